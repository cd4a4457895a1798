import XCTest
@testable import Sprig

/// Sparse convolutions and sparse recurrent layers in model descriptions:
/// built, described back, checkpointed, and evolved at a layer's own ζ.
final class SparseLayerDescriptionTests: XCTestCase {
  static let sparseCNN = ModelDescription(
    name: "tiny-sparse-cnn", input: InputDescription(image: ImageShape(height: 8, width: 8, channels: 2)),
    layers: [
      .sparseConv2d(filters: 6, kernel: 3, topology: TopologyDescription(kind: .er, density: 0.4)), .activation(.relu),
      .pool(.maxPool2d), LayerDescription(.flatten), .linear(units: 3),
    ])

  static func recurrent(_ type: LayerType) -> ModelDescription {
    var layer = LayerDescription.recurrent(type, units: 5, steps: 6)
    layer.topology = TopologyDescription(kind: .er, density: 0.5)
    return ModelDescription(name: "tiny-sparse-\(type.rawValue)", input: InputDescription(features: 24), layers: [layer, .linear(units: 3)])
  }

  private func outputs(of model: Sequential) -> [Float] {
    let x = randomMatrix(rows: model.inputSize, columns: 3, seed: 7)
    return Array(model.forward(x, training: false).elements)
  }

  private func roundTrip(_ model: Sequential) throws -> Sequential {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-sparse-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try Checkpoint(model: model, scaling: nil).write(to: url)
    return try Checkpoint(contentsOf: url).model
  }

  func testASparseLayerIsBoundedByItsConnectionsNotItsDenseSize() throws {
    let builder = ModelBuilder(source: "test", shape: .features(784))
    let fail = { (field: String?, message: String) in
      ModelDescriptionError(source: "test", layer: 0, type: .sparseLinear, field: field, message: message)
    }
    // 784 → 10 M: 7.8 G weights dense, about 20 M connections at ε = 2.
    let wide = LayerDescription.sparseLinear(units: 10_000_000, topology: TopologyDescription(kind: .er, epsilon: 2))
    XCTAssertNoThrow(try builder.checkSizes(wide, inputs: 784, fail: fail))
    XCTAssertThrowsError(try builder.checkSizes(.linear(units: 10_000_000), inputs: 784, fail: fail), "dense, it is refused")
    let crowded = LayerDescription.sparseLinear(units: 10_000_000, topology: TopologyDescription(kind: .er, epsilon: 300))
    XCTAssertThrowsError(try builder.checkSizes(crowded, inputs: 784, fail: fail), "3 G connections are refused")
    let dense = LayerDescription.sparseLinear(units: 10_000_000, topology: TopologyDescription(kind: .er, density: 0.5))
    XCTAssertThrowsError(try builder.checkSizes(dense, inputs: 784, fail: fail), "half of 7.8 G is refused")
  }

  func testASparseConvolutionIsBuiltFromItsJSON() throws {
    let json = try Self.sparseCNN.json()
    let model = try Sequential(description: ModelDescription(json: json, source: "test"), seed: 1)
    let conv = try XCTUnwrap(model.layers[0] as? SparseConv2D)
    XCTAssertEqual(conv.kernel.outputSize, 6)
    XCTAssertEqual(conv.kernel.inputSize, 2 * 3 * 3)
    XCTAssertEqual(conv.kernel.pattern.density, 0.4, accuracy: 0.15)
    XCTAssertEqual(model.sparseLayers.map { ObjectIdentifier($0) }, [ObjectIdentifier(conv.kernel)])
  }

  func testSparseLSTMAndGRUAreBuiltWhenTheyHaveATopology() throws {
    let lstm = try Sequential(description: Self.recurrent(.lstm), seed: 2)
    let cell = try XCTUnwrap((lstm.layers[0] as? Recurrent)?.cell as? SparseLSTMCell)
    XCTAssertEqual(cell.gates.outputSize, 20)
    XCTAssertEqual(cell.gates.inputSize, 4 + 5)
    let gru = try Sequential(description: Self.recurrent(.gru), seed: 3)
    let gruCell = try XCTUnwrap((gru.layers[0] as? Recurrent)?.cell as? SparseGRUCell)
    XCTAssertEqual([gruCell.inputGates.inputSize, gruCell.hiddenGates.inputSize], [4, 5])
    XCTAssertEqual(gru.sparseLayers.count, 2)
  }

  func testAnRNNWithATopologyIsRefusedNamingTheField() {
    XCTAssertThrowsError(try Sequential(description: Self.recurrent(.rnn), seed: 0)) { error in
      XCTAssertEqual((error as? ModelDescriptionError)?.path, "layers[0].topology")
    }
  }

  func testAModelBuiltFromLayersDescribesItsSparseLayersBack() throws {
    for description in [Self.sparseCNN, Self.recurrent(.lstm), Self.recurrent(.gru)] {
      let built = try Sequential(description: description, seed: 4)
      let bare = Sequential(built.layers)  // no stored description: read off the layers
      let rebuilt = try Sequential(description: bare.description, seed: 5)
      XCTAssertEqual(rebuilt.layers.map(\.name), built.layers.map(\.name))
      XCTAssertEqual(rebuilt.sparseLayers.map(\.outputSize), built.sparseLayers.map(\.outputSize))
      for (a, b) in zip(rebuilt.sparseLayers, built.sparseLayers) {
        XCTAssertEqual(Double(a.connectionCount), Double(b.connectionCount), accuracy: Double(b.connectionCount) * 0.3)
      }
    }
  }

  func testSparseConvAndRecurrentCheckpointsGiveTheSameOutputs() throws {
    for description in [Self.sparseCNN, Self.recurrent(.lstm), Self.recurrent(.gru)] {
      let model = try Sequential(description: description, seed: 6)
      var rng = SeededGenerator(seed: 8)
      for layer in model.sparseLayers { _ = SETEvolution(zeta: 0.5).rewire(layer, using: &rng) }
      let loaded = try roundTrip(model)
      XCTAssertEqual(loaded.description, description)
      XCTAssertEqual(loaded.sparseLayers.map(\.pattern), model.sparseLayers.map(\.pattern), "evolved patterns are restored")
      XCTAssertEqual(outputs(of: loaded), outputs(of: model), description.name ?? "")
    }
  }

  func testALayersOwnZetaOfZeroKeepsItsTopologyWhileTheOthersEvolve() throws {
    var description = ModelDescription(
      input: InputDescription(features: 36),
      layers: [
        .sparseLinear(units: 20, topology: .er(epsilon: 3)), .activation(.relu),
        .sparseLinear(units: 10, topology: .er(epsilon: 3)), .activation(.relu), .linear(units: 2),
      ])
    description.layers[0].zeta = 0
    let model = try Sequential(description: description, seed: 9)
    let before = model.sparseLayers.map(\.pattern)
    var g = SeededGenerator(seed: 10)
    let features = (0..<(64 * 36)).map { _ in g.nextUnitFloat() }
    let labels = (0..<64).map { _ in Int32(g.nextInt(below: 2)) }
    let data = LabeledData(features: features, labels: labels, shape: ImageShape(height: 6, width: 6), classCount: 2)
    var options = TrainingOptions()
    options.epochs = 3
    options.zeta = 0.3
    try Trainer(model: model, options: options).fit(DatasetSplit(name: "noise", train: data, test: data))
    XCTAssertEqual(model.sparseLayers[0].pattern, before[0], "ζ = 0 on layer 0: fixed")
    XCTAssertNotEqual(model.sparseLayers[1].pattern, before[1], "layer 1 evolves at the training's ζ")
  }

  func testAZetaOnADenseLayerIsRefused() {
    var description = ModelDescription(input: InputDescription(features: 4), layers: [.linear(units: 2)])
    description.layers[0].zeta = 0.1
    XCTAssertThrowsError(try Sequential(description: description, seed: 0)) { error in
      XCTAssertEqual((error as? ModelDescriptionError)?.path, "layers[0].zeta")
    }
  }

  func testGateViewsSplitTheRecurrentMatricesByGate() throws {
    let lstm = try Sequential(description: Self.recurrent(.lstm), seed: 11)
    let record = DegreeRecord(epoch: 0, model: lstm)
    XCTAssertEqual(record.layers.map(\.part), ["input gate", "forget gate", "output gate", "candidate"])
    XCTAssertEqual(record.layers.reduce(0) { $0 + $1.connections }, lstm.sparseLayers[0].connectionCount)
    XCTAssertEqual(record.layers.map(\.outputs), [5, 5, 5, 5])
    let gru = try Sequential(description: Self.recurrent(.gru), seed: 12)
    XCTAssertEqual(DegreeRecord(epoch: 0, model: gru).layers.count, 6)
    let cnn = try Sequential(description: Self.sparseCNN, seed: 13)
    let kernel = try XCTUnwrap(DegreeRecord(epoch: 0, model: cnn).layers.first)
    XCTAssertEqual(kernel.part, "kernel")
    XCTAssertEqual(kernel.columnShape, ImageShape(height: 3, width: 3, channels: 2))
    XCTAssertEqual(kernel.outDegrees.reduce(0, +), cnn.sparseLayers[0].connectionCount)
  }
}
