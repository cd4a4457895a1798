import ArgumentParser
import XCTest
@testable import Sprig
@testable import SprigCLI

/// `sprig train --model`: named models and description files, trained,
/// evaluated, inspected and analysed like any run.
final class ModelCommandTests: XCTestCase {
  var folder: URL!
  var data: [String] = []

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-model-cli-\(UUID())")
    data = try writeTinyIDXDataset(in: folder.appendingPathComponent("data"), train: 128, test: 64)
  }

  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  private func sprig(_ arguments: [String]) throws -> String {
    var command = try SprigCommand.parseAsRoot(arguments)
    return try capturingStandardOutput { try command.run() }
  }

  private func lastMetrics(_ run: URL) throws -> [String: Any] {
    let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
    return try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as! [String: Any]
  }

  func testEveryNamedModelTrainsEvaluatesInspectsAndAnalyses() throws {
    for name in ModelName.allCases {
      let run = folder.appendingPathComponent(name.rawValue)
      // A short AIS for the RBMs: the test is about plumbing, not log Z.
      let ais = name == .rbm || name == .setRBM ? ["--ais-runs", "10", "--ais-steps", "50"] : []
      _ = try sprig(["train", "--model", name.rawValue] + data + ["--epochs", "1", "--batch-size", "32", "--out", run.path, "--quiet"] + ais)
      let metrics = try lastMetrics(run)
      let evaluation = try sprig(["evaluate", run.path] + data + ["--json"])
      let result = try JSONSerialization.jsonObject(with: Data(evaluation.utf8)) as! [String: Any]
      let objective = try TrainingObjective(description: try name.description(shape: ImageShape(height: 12, width: 12), classes: 10))
      if objective.measuresAccuracy {
        XCTAssertEqual(result["test_accuracy"] as? Double, metrics["test_accuracy"] as? Double, name.rawValue)
      } else {
        XCTAssertEqual(result["test_loss"] as? Double, metrics["test_loss"] as? Double, name.rawValue)
      }
      // Each model's own figures, the same from `evaluate` as from training.
      for (key, value) in (metrics["scores"] as? [String: Double]) ?? [:] {
        XCTAssertEqual(result[key] as? Double, value, "\(name.rawValue) \(key)")
      }
      let model = try Checkpoint(contentsOf: run.appendingPathComponent("model.safetensors")).model
      XCTAssertEqual(model.description.name, name.rawValue)
      let listing = try sprig(["inspect", run.path])
      for (i, layer) in model.layers.enumerated() {
        XCTAssertTrue(listing.contains("\(i)  \(layer.name)  [\(model.description.layers[i].type.rawValue)]"), "\(name): \(listing)")
      }
      for sparse in model.sparseLayers {
        XCTAssertTrue(listing.contains("\(sparse.outputSize)×\(sparse.inputSize): \(sparse.connectionCount) connections"), listing)
      }
      guard !model.sparseLayers.isEmpty else { continue }
      let reportFolder = run.appendingPathComponent("report")
      _ = try sprig(["analyze", run.path, "--out", reportFolder.path, "--resamples", "2"])
      let report = try JSONSerialization.jsonObject(with: Data(contentsOf: reportFolder.appendingPathComponent("report.json"))) as! [String: Any]
      let layers = report["layers"] as! [[String: Any]]
      XCTAssertEqual(
        layers.reduce(0) { $0 + ($1["connections"] as! Int) }, model.sparseLayers.reduce(0) { $0 + $1.connectionCount },
        "\(name): every sparse connection is in the report once")
    }
  }

  func testPrintedModelEditedAndPassedBackTrains() throws {
    let printed = try sprig(["train", "--model", "set-mlp", "--print-model"] + data)
    var description = try ModelDescription(json: Data(printed.utf8), source: "printed")
    XCTAssertEqual(description.input.features, 144)
    description.layers[0].units = 50
    let file = folder.appendingPathComponent("edited.json")
    try description.json().write(to: file)
    let run = folder.appendingPathComponent("run")
    _ = try sprig(["train", "--model", file.path] + data + ["--epochs", "1", "--out", run.path, "--quiet"])
    let model = try Checkpoint(contentsOf: run.appendingPathComponent("model.safetensors")).model
    XCTAssertEqual(model.layers[0].outputSize, 50)
  }

  func testUnknownLayerTypeFailsNamingTheLayer() throws {
    let printed = try sprig(["train", "--model", "cnn", "--print-model"] + data)
    let file = folder.appendingPathComponent("bad.json")
    try printed.replacingOccurrences(of: "\"max_pool2d\"", with: "\"maxpool\"").write(to: file, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try sprig(["train", "--model", file.path] + data + ["--quiet"])) { error in
      let message = "\(error)"
      XCTAssertTrue(message.contains("layers[2].type"), message)
      XCTAssertTrue(message.contains("unknown layer type \"maxpool\""), message)
    }
  }

  func testADescriptionForOtherDataNamesBothShapes() throws {
    let file = folder.appendingPathComponent("fashion.json")
    try Data(try sprig(["train", "--model", "cnn", "--print-model"]).utf8).write(to: file)
    XCTAssertThrowsError(try sprig(["train", "--model", file.path] + data + ["--quiet"])) { error in
      XCTAssertTrue("\(error)".contains("1×28×28"), "\(error)")
      XCTAssertTrue("\(error)".contains("1×12×12"), "\(error)")
    }
  }

  func testMLPOptionsWithAModelAreRejected() {
    XCTAssertThrowsError(try sprig(["train", "--model", "cnn", "--hidden", "10", "--quiet"])) { error in
      XCTAssertTrue(SprigCommand.message(for: error).contains("--hidden describes the MLP"), "\(error)")
    }
  }

  func testCommandLineOptionsOverrideTheDescriptionsTraining() throws {
    let printed = try sprig(["train", "--model", "cnn", "--print-model", "--epochs", "3", "--learning-rate", "0.01"])
    let training = try ModelDescription(json: Data(printed.utf8), source: "printed").training!
    XCTAssertEqual(training.epochs, 3)
    XCTAssertEqual(training.learningRate, 0.01)
    XCTAssertEqual(training.optimizer, .adam, "the description's optimizer stays")
  }

  func testTheMLPOptionsStillDescribeAnMLP() throws {
    let printed = try sprig(["train", "--print-model", "--hidden", "64,32", "--epsilon", "4", "--dense-output", "--dropout", "0"])
    let description = try ModelDescription(json: Data(printed.utf8), source: "printed")
    XCTAssertEqual(description.layers.map(\.type), [.sparseLinear, .activation, .sparseLinear, .activation, .linear])
    XCTAssertEqual(description.layers[0].topology, .er(epsilon: 4))
  }

  func testTheDefaultMLPFollowsTheFashionMNISTRecipe() throws {
    let description = try ModelDescription(json: Data(try sprig(["train", "--print-model"]).utf8), source: "printed")
    XCTAssertEqual(description.training?.augmentation, ImageAugmentation(maxShift: 0, horizontalFlip: true))
    XCTAssertEqual(description.layers.filter { $0.type == .dropout }.count, 3)
    XCTAssertEqual(description.training?.referenceFanIn, 256)
  }

  func testShiftAndFlipOptionsOverrideTheRecipesAugmentation() throws {
    func augmentation(_ flags: [String]) throws -> ImageAugmentation? {
      try ModelDescription(json: Data(try sprig(["train", "--print-model"] + flags).utf8), source: "printed").training?.augmentation
    }
    XCTAssertEqual(try augmentation(["--shift", "2", "--no-flip"]), ImageAugmentation(maxShift: 2, horizontalFlip: false))
    XCTAssertNil(try augmentation(["--shift", "0", "--no-flip"]))
    XCTAssertEqual(try augmentation(["--augment"]), ImageAugmentation(maxShift: 3, horizontalFlip: true))
    XCTAssertEqual(try augmentation(["--dataset", "cifar10", "--no-flip"]), ImageAugmentation(maxShift: 3, horizontalFlip: false))
  }

  func testANegativeShiftIsRefused() {
    XCTAssertThrowsError(try sprig(["train", "--shift", "-1", "--print-model"])) { error in
      XCTAssertTrue(SprigCommand.message(for: error).contains("--shift"), "\(error)")
    }
  }

  /// `models/NAME.json` is what `--print-model` prints for Fashion-MNIST:
  /// regenerate with `sprig train --model NAME --print-model > models/NAME.json`.
  func testModelFilesInTheRepositoryAreTheCatalogue() throws {
    let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../models")
    for name in ModelName.allCases {
      let file = models.appendingPathComponent("\(name.rawValue).json")
      let shipped = try ModelDescription(contentsOf: file)
      let printed = try sprig(["train", "--model", name.rawValue, "--print-model"])
      XCTAssertEqual(shipped, try ModelDescription(json: Data(printed.utf8), source: "printed"), "\(file.path) is stale")
    }
  }
}
