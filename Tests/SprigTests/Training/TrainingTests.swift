import XCTest
@testable import Sprig

/// Two Gaussian blobs per class in `features` dimensions: learnable in a second.
func blobs(classes: Int = 3, features: Int = 20, perClass: Int = 100, seed: UInt64) -> LabeledData {
  var g = SeededGenerator(seed: seed)
  var centres: [[Float]] = []
  for _ in 0..<classes { centres.append((0..<features).map { _ in g.nextNormal() * 2 }) }
  var x: [Float] = [], y: [Int32] = []
  for i in 0..<(classes * perClass) {
    let c = i % classes
    x += centres[c].map { $0 + g.nextNormal() * 0.5 }
    y.append(Int32(c))
  }
  return LabeledData(features: x, labels: y, shape: ImageShape(height: 1, width: features), classCount: classes)
}

func blobSplit(seed: UInt64 = 1) -> DatasetSplit {
  DatasetSplit(name: "blobs", train: blobs(seed: seed), test: blobs(perClass: 30, seed: seed))
}

func smallOptions(epochs: Int = 3, seed: UInt64 = 0) -> TrainingOptions {
  var o = TrainingOptions()
  o.epochs = epochs
  o.batchSize = 16
  o.seed = seed
  return o
}

func smallModel(seed: UInt64 = 0, hidden: [Int] = [32, 32]) -> Sequential {
  try! MLPConfiguration(inputSize: 20, hiddenSizes: hidden, outputSize: 3, epsilon: 3).makeModel(seed: seed)
}

final class TrainerTests: XCTestCase {
  func testSparseMLPLearnsSeparableBlobs() throws {
    let model = smallModel()
    XCTAssertGreaterThan(model.sparseLayers.count, 0)
    let history = try Trainer(model: model, options: smallOptions()).fit(blobSplit())
    XCTAssertGreaterThan(history.last!.testAccuracy, 0.95)
    XCTAssertLessThan(history.last!.trainLoss, history.first!.trainLoss)
  }

  func testEvolutionKeepsConnectionCountsAcrossEpochs() throws {
    let model = smallModel()
    let before = model.sparseLayers.map(\.connectionCount)
    let history = try Trainer(model: model, options: smallOptions()).fit(blobSplit())
    for metrics in history { XCTAssertEqual(metrics.connections, before) }
  }

  func testSameSeedGivesSameAccuracyAndTopology() throws {
    func train() throws -> (Double, [SparsityPattern]) {
      let model = smallModel(seed: 5)
      let h = try Trainer(model: model, options: smallOptions(seed: 5)).fit(blobSplit())
      return (h.last!.testAccuracy, model.sparseLayers.map(\.pattern))
    }
    let (a, pa) = try train(), (b, pb) = try train()
    XCTAssertEqual(a, b)
    XCTAssertEqual(pa, pb)
  }

  func testEvolutionChangesTheTopology() throws {
    let model = smallModel()
    let before = model.sparseLayers.map(\.pattern)
    try Trainer(model: model, options: smallOptions(epochs: 2)).fit(blobSplit())
    XCTAssertNotEqual(model.sparseLayers.map(\.pattern), before)
  }

  func testStepScheduledEvolutionRewiresWithinAnEpoch() throws {
    let model = smallModel()
    let before = model.sparseLayers.map(\.pattern)
    var options = smallOptions(epochs: 1)  // no epoch-level rewire after the last epoch
    options.evolutionUnit = .steps
    options.evolutionPeriod = 5
    let history = try Trainer(model: model, options: options).fit(blobSplit())
    XCTAssertNotEqual(model.sparseLayers.map(\.pattern), before)
    XCTAssertEqual(history[0].connections, before.map(\.nonzeroCount))
    XCTAssertGreaterThan(history[0].rewireSeconds, 0)
  }

  func testCosineZetaCountedInStepsNeedsAnEnd() {
    var options = smallOptions()
    options.evolutionUnit = .steps
    options.zetaSchedule = .cosine
    XCTAssertThrowsError(try options.makeEvolution(initialization: .heUniform))
    options.evolutionEnd = 100
    XCTAssertNoThrow(try options.makeEvolution(initialization: .heUniform))
  }

  func testDivergenceNamesTheLayerAndKeepsLastCheckpoint() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-nan-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = smallModel()
    let run = try RunDirectory(url: folder, scaling: nil)
    var options = smallOptions(epochs: 3)
    options.zeta = 0
    let trainer = Trainer(model: model, options: options, run: run)
    // One good epoch, then poison a weight: the next forward must fail.
    var one = options
    one.epochs = 1
    try Trainer(model: model, options: one, run: run).fit(blobSplit())
    let good = try Data(contentsOf: run.checkpointURL)
    let output = model.layers.last as! Linear
    output.weight.value[0] = .nan
    XCTAssertThrowsError(try trainer.fit(blobSplit())) { error in
      guard case TrainingError.nonFinite(let layer, let index, _, _, let checkpoint) = error else {
        return XCTFail("expected nonFinite, got \(error)")
      }
      XCTAssertEqual(index, model.layers.count - 1)
      XCTAssertEqual(layer, output.name)
      XCTAssertEqual(checkpoint, run.checkpointURL.path)
      XCTAssertTrue("\(error)".contains("learning rate"))
    }
    XCTAssertEqual(try Data(contentsOf: run.checkpointURL), good, "the last good checkpoint is untouched")
  }

  func testMetricsLogHasOneJSONLinePerEpoch() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-metrics-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try RunDirectory(url: folder, scaling: nil)
    try Trainer(model: smallModel(), options: smallOptions(epochs: 2), run: run).fit(blobSplit())
    let lines = try String(contentsOf: run.metricsURL, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.count, 2)
    let object = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
    for key in ["epoch", "train_loss", "train_accuracy", "test_accuracy", "epoch_seconds", "rewire_seconds", "connections"] {
      XCTAssertNotNil(object[key], key)
    }
    XCTAssertEqual(object["epoch"] as? Int, 2)
  }
}

final class CheckpointTests: XCTestCase {
  func testRoundTripGivesIdenticalOutputs() throws {
    let model = smallModel(hidden: [16, 8])
    try Trainer(model: model, options: smallOptions(epochs: 1)).fit(blobSplit())
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-ckpt-\(UUID()).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let scaling = FeatureScaling(mean: [Float](repeating: 0.5, count: 20), std: [Float](repeating: 2, count: 20))
    try Checkpoint(model: model, scaling: scaling, info: ["dataset": "blobs"]).write(to: url)
    let loaded = try Checkpoint(contentsOf: url)
    XCTAssertEqual(loaded.info["dataset"], "blobs")
    XCTAssertEqual(loaded.scaling, scaling)
    let x = randomMatrix(rows: 20, columns: 7, seed: 3)
    XCTAssertEqual(loaded.model.forward(x, training: false).copy(), model.forward(x, training: false).copy())
    XCTAssertEqual(loaded.model.sparseLayers.map(\.pattern), model.sparseLayers.map(\.pattern))
  }

  func testSparseLayersAreStoredAsCSRArrays() throws {
    let model = smallModel(hidden: [16, 8])
    let file = try Checkpoint(model: model, scaling: nil).file()
    let layer = model.sparseLayers[0]
    XCTAssertEqual(file.tensors["layers.0.row_ptr"]?.shape, [layer.outputSize + 1])
    XCTAssertEqual(file.tensors["layers.0.col_idx"]?.shape, [layer.connectionCount])
    XCTAssertEqual(file.tensors["layers.0.weight"]?.shape, [layer.connectionCount])
  }

  func testTruncatedCheckpointIsATypedError() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-cut-\(UUID()).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let data = try Checkpoint(model: smallModel(), scaling: nil).file().serialized()
    try data.prefix(data.count - 10).write(to: url)
    XCTAssertThrowsError(try Checkpoint(contentsOf: url)) { error in
      guard case SafeTensorsError.truncated = error else { return XCTFail("expected truncated, got \(error)") }
      XCTAssertTrue("\(error)".contains(url.lastPathComponent))
    }
  }

  func testSafeTensorsHeaderFollowsTheFormat() throws {
    let file = SafeTensorsFile(tensors: ["a": Tensor(shape: [2], data: .float32([1, 2]))], metadata: ["k": "v"])
    let data = try file.serialized()
    let n = Int(data.prefix(8).withUnsafeBytes { $0.load(as: UInt64.self) })
    XCTAssertEqual((8 + n) % 8, 0)
    let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as! [String: Any]
    XCTAssertEqual((header["a"] as! [String: Any])["dtype"] as? String, "F32")
    XCTAssertEqual(data.count, 8 + n + 8)
    XCTAssertEqual(try SafeTensorsFile(data: data, path: "x").tensors, file.tensors)
  }
}

final class CheckpointDeterminismTests: XCTestCase {
  func testSameModelGivesByteIdenticalCheckpoints() throws {
    let a = try Checkpoint(model: smallModel(seed: 3), scaling: nil, info: ["x": "1", "y": "2"]).file().serialized()
    let b = try Checkpoint(model: smallModel(seed: 3), scaling: nil, info: ["y": "2", "x": "1"]).file().serialized()
    XCTAssertEqual(a, b)
  }

  /// Key order of an encoded struct is not stable across processes; sorted
  /// keys are what makes two runs write the same bytes.
  func testModelDescriptionIsEncodedWithSortedKeys() throws {
    let model = try Checkpoint(model: smallModel(seed: 3), scaling: nil).file().metadata["model"]!
    XCTAssertTrue(model.hasPrefix(#"{"format":"sprig-model","input":{"features":20},"layers":[{"topology":"#), model)
    XCTAssertTrue(model.contains(#"{"activation":"relu","type":"activation"}"#), model)
  }
}
