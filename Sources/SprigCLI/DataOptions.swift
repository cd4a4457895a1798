// DataOptions: which data a command reads, shared by train and evaluate.
import ArgumentParser
import Foundation
import Sprig

extension DatasetName: ExpressibleByArgument {}
extension ActivationKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension Normalization: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
extension EvolutionKind: ExpressibleByArgument {}
extension EvolutionSchedule.Decay: ExpressibleByArgument {}
extension ActivationPrecision: ExpressibleByArgument {}
extension EvolutionSchedule.Unit: ExpressibleByArgument {}

/// Options that choose the dataset.
struct DataOptions: ParsableArguments {
  @Option(help: "Dataset: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")).")
  var dataset: DatasetName?

  @Option(help: "IDX training images (with --train-labels, --test-images, --test-labels: any IDX dataset).")
  var trainImages: String?
  @Option(help: "IDX training labels.")
  var trainLabels: String?
  @Option(help: "IDX test images.")
  var testImages: String?
  @Option(help: "IDX test labels.")
  var testLabels: String?

  @Option(help: "Use only the first N training samples (quick runs).")
  var trainLimit: Int?
  @Option(help: "Use only the first N test samples.")
  var testLimit: Int?

  @OptionGroup var source: DataSourceOptions

  func validate() throws {
    let paths = [trainImages, trainLabels, testImages, testLabels]
    if paths.contains(where: { $0 != nil }) && paths.contains(where: { $0 == nil }) {
      throw ValidationError("Give all four of --train-images, --train-labels, --test-images and --test-labels, or none.")
    }
    if paths.contains(where: { $0 != nil }) && dataset != nil {
      throw ValidationError("Give either --dataset or IDX file paths, not both.")
    }
    for (name, limit) in [("--train-limit", trainLimit), ("--test-limit", testLimit)] {
      if let limit, limit <= 0 { throw ValidationError("\(name) must be positive, got \(limit).") }
    }
  }

  /// Whether the data comes from IDX paths rather than a named dataset.
  var readsFiles: Bool { trainImages != nil }

  /// Loads the chosen data (`fallback` when neither a dataset nor paths are given).
  func load(fallback: DatasetName) throws -> DatasetSplit {
    var split: DatasetSplit
    if let trainImages, let trainLabels, let testImages, let testLabels {
      split = try DatasetSplit.loadIDX(
        trainImages: URL(fileURLWithPath: trainImages), trainLabels: URL(fileURLWithPath: trainLabels),
        testImages: URL(fileURLWithPath: testImages), testLabels: URL(fileURLWithPath: testLabels),
        trainLimit: trainLimit, testLimit: testLimit)
    } else {
      split = try source.load(dataset ?? fallback, trainLimit: trainLimit, testLimit: testLimit)
    }
    return split
  }
}
