import Foundation
import XCTest
import Sprig

/// The README's library example, verbatim apart from `epochs` and the data,
/// so the documentation cannot drift from the API.
func readmeExample(data loaded: DatasetSplit, epochs: Int, folder: URL) throws -> Double {
  var data = loaded
  let scaling = data.normalize(.standardize)               // per-feature, fitted on train
  let config = MLPConfiguration(                         // 784-1000-1000-1000-10, ER at ε = 20
    inputSize: data.train.featureCount, hiddenSizes: [64, 32], outputSize: 10,
    activation: .relu, epsilon: 4)
  let model = try config.makeModel(seed: 0)

  var options = TrainingOptions()                          // SGD, lr 0.2 cosine (× 256/fan-in past 256), momentum 0.9
  options.epochs = epochs
  options.zeta = 0.3                                       // SET: rewire 30 % of each sign per epoch
  let run = try RunDirectory(url: folder, scaling: scaling)
  let trainer = Trainer(model: model, options: options, run: run, display: nil)
  let history = try trainer.fit(data)
  _ = model.sparseLayers.map(\.connectionCount)
  let reloaded = try Checkpoint(contentsOf: run.checkpointURL)   // CSR arrays in safetensors
  XCTAssertEqual(reloaded.model.connectionCount, model.connectionCount)
  return history.last!.testAccuracy
}

final class ReadmeExampleTests: XCTestCase {
  func testLibraryExampleTrainsAndReloads() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-readme-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    var g = SeededGenerator(seed: 3)
    // Ten well-separated classes in 50 dimensions stand in for Fashion-MNIST.
    let centres = (0..<10).map { _ in (0..<50).map { _ in g.nextNormal() * 3 } }
    func make(_ n: Int) -> LabeledData {
      var x: [Float] = [], y: [Int32] = []
      for i in 0..<n {
        x += centres[i % 10].map { $0 + g.nextNormal() }
        y.append(Int32(i % 10))
      }
      return LabeledData(features: x, labels: y, shape: ImageShape(height: 5, width: 10), classCount: 10)
    }
    let accuracy = try readmeExample(data: DatasetSplit(name: "toy", train: make(500), test: make(200)), epochs: 3, folder: folder)
    XCTAssertGreaterThan(accuracy, 0.9)
  }
}
