// `sprig evaluate`: the test accuracy of a checkpoint.
import ArgumentParser
import Foundation
import Sprig

struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a checkpoint's test accuracy, or a reconstruction model's test loss (on the dataset it was trained on, unless told otherwise).")

  @Argument(help: "A model.safetensors written by `sprig train` (or its run folder).")
  var checkpoint: String
  @OptionGroup var data: DataOptions
  @Flag(help: "Print {\"test_accuracy\": …} as JSON.") var json = false

  func run() throws {
    let url = Inspect.checkpointURL(checkpoint)
    let loaded = try Checkpoint(contentsOf: url)
    let trainedOn = loaded.info["dataset"].flatMap(DatasetName.init(rawValue:)) ?? .fashionMNIST
    var split = try data.load(fallback: trainedOn)
    if let scaling = loaded.scaling {
      guard scaling.mean.count == split.test.featureCount else {
        throw ValidationError("The checkpoint expects \(scaling.mean.count) input features; the data has \(split.test.featureCount).")
      }
      scaling.apply(to: &split.test)
    }
    let objective = try TrainingObjective(description: loaded.model.description)
    // A GAN's model takes noise; its discriminator takes the data.
    var takes = loaded.model.inputSize
    if case .adversarial(let k) = objective { takes = loaded.model.layers[k].inputSize }
    guard split.test.featureCount == takes else {
      throw ValidationError("The checkpoint's model takes \(takes) inputs; the data has \(split.test.featureCount) features.")
    }
    let batch = loaded.model.description.training?.evaluationBatchSize ?? 1000
    let result = Trainer.evaluation(loaded.model, test: split.test, train: split.train, objective: objective, batchSize: batch)
    switch (objective, json) {
    case (.classification, true):
      print("{\"test_accuracy\": \(result.accuracy), \"test_loss\": \(result.loss), \"samples\": \(split.test.count)}")
    case (.classification, false):
      print(String(format: "test accuracy %.2f%% (loss %.4f) on %d samples", result.accuracy * 100, result.loss, split.test.count))
    case (.reconstruction(let loss), true):
      print("{\"test_loss\": \(result.loss), \"loss\": \"\(loss.rawValue)\", \"samples\": \(split.test.count)}")
    case (.reconstruction(let loss), false):
      print("test reconstruction loss (\(loss.rawValue)) " + String(format: "%.5f on %d samples", result.loss, split.test.count))
    case (_, true):
      var record = result.scores
      (record["test_loss"], record["samples"]) = (result.loss, Double(split.test.count))
      if objective.measuresAccuracy { record["test_accuracy"] = result.accuracy }
      let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
      print(String(decoding: data, as: UTF8.self))
    case (_, false):
      print(Trainer.summary(of: result, objective: objective) + " on \(split.test.count) samples")
    }
  }
}
