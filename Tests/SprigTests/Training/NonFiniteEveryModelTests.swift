import XCTest
@testable import Sprig
@testable import SprigCLI

/// NaN in training stops every kind of model — classifiers, CNNs, recurrent
/// nets, autoencoders, RBMs, VAEs, GANs, Siamese nets — naming the layer,
/// and leaves the last good checkpoint as it was.
final class NonFiniteEveryModelTests: XCTestCase {
  var folder: URL!

  override func setUp() {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-nan-models-\(UUID())")
  }

  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  /// Random 28×28 images in [0, 1] with random labels: enough for one epoch of each catalogue model.
  private func noiseImages(_ n: Int, seed: UInt64) -> LabeledData {
    var g = SeededGenerator(seed: seed)
    let features = (0..<(n * 784)).map { _ in Float(g.nextInt(below: 256)) / 255 }
    let labels = (0..<n).map { _ in Int32(g.nextInt(below: 10)) }
    return LabeledData(features: features, labels: labels, shape: ImageShape(height: 28, width: 28), classCount: 10)
  }

  private func trainer(_ model: Sequential, _ description: ModelDescription, run: RunDirectory) throws -> Trainer {
    let options = description.training!
    return Trainer(
      model: model, options: options, evolution: try options.makeEvolution(initialization: .heUniform, windows: model.localWindows),
      objective: try TrainingObjective(description: description), run: run)
  }

  func testAPoisonedWeightStopsEveryModelNamingItsLayerAndKeepsTheCheckpoint() throws {
    let split = DatasetSplit(name: "noise", train: noiseImages(96, seed: 1), test: noiseImages(40, seed: 2))
    for name in ModelName.allCases {
      var description = try name.description(shape: ImageShape(height: 28, width: 28), classes: 10)
      description.training!.epochs = 2
      description.training!.batchSize = 32
      (description.training!.aisRuns, description.training!.aisIntermediateDistributions) = (2, 10)
      let model = try Sequential(description: description, seed: 0)
      let run = try RunDirectory(url: folder.appendingPathComponent(name.rawValue), scaling: nil)
      _ = try trainer(model, description, run: run).fit(split, until: 1)
      let good = try Data(contentsOf: run.checkpointURL)
      // The first layer with weights: behind a ReLU its NaN need not reach the loss.
      let index = try XCTUnwrap(model.layers.firstIndex { !$0.parameters.isEmpty })
      model.layers[index].parameters[0].value[0] = .nan
      XCTAssertThrowsError(try trainer(model, description, run: run).fit(split), name.rawValue) { error in
        guard case TrainingError.nonFinite(let layer, let at, _, _, let checkpoint) = error else {
          return XCTFail("\(name): expected nonFinite, got \(error)")
        }
        XCTAssertEqual(at, index, name.rawValue)
        XCTAssertEqual(layer, model.layers[index].name, name.rawValue)
        XCTAssertEqual(checkpoint, run.checkpointURL.path, name.rawValue)
      }
      XCTAssertEqual(try Data(contentsOf: run.checkpointURL), good, "\(name): the last good checkpoint is untouched")
    }
  }

  func testNaNInTheDataIsRefusedBeforeTrainingNamingWhere() throws {
    var train = noiseImages(20, seed: 3)
    train.features[5 * 784 + 17] = .nan
    let split = DatasetSplit(name: "noise", train: train, test: noiseImages(10, seed: 4))
    let description = try ModelName.setMLP.description(shape: ImageShape(height: 28, width: 28), classes: 10)
    let model = try Sequential(description: description, seed: 0)
    XCTAssertThrowsError(try Trainer(model: model, options: description.training!).fit(split)) { error in
      guard case TrainingError.nonFiniteInput(let where_, let sample, let feature) = error else {
        return XCTFail("expected nonFiniteInput, got \(error)")
      }
      XCTAssertEqual([sample, feature], [5, 17])
      XCTAssertEqual(where_, "noise training")
    }
  }
}
