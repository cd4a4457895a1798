// Checkpoints of every model: the description in the metadata, every parameter
// beside it, and MLP checkpoints of the first format still read.
import Foundation
import XCTest

@testable import Sprig

final class CheckpointFormatTests: XCTestCase {
  /// The model's outputs on a fixed random batch.
  func outputs(of model: Sequential, batch: Int = 3) -> [Float] {
    var rng = SeededGenerator(seed: 99)
    let x = Matrix(rows: model.inputSize, columns: batch)
    for r in 0..<x.rows { for c in 0..<x.columns { x[r, c] = rng.nextUnitFloat() } }
    let y = model.forward(x, training: false)
    return (0..<y.rows).flatMap { y.row($0) }
  }

  func roundTrip(_ model: Sequential) throws -> Sequential {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-checkpoint-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try Checkpoint(model: model, scaling: nil).write(to: url)
    return try Checkpoint(contentsOf: url).model
  }

  static let cnn = ModelDescription(
    name: "tiny-cnn", input: InputDescription(image: ImageShape(height: 8, width: 8, channels: 2)),
    layers: [
      .conv2d(filters: 4, kernel: 3), .activation(.relu), .pool(.maxPool2d), LayerDescription(.flatten),
      .sparseLinear(units: 12, topology: .er(epsilon: 2)), .activation(.prelu), .dropout(rate: 0.2), .linear(units: 3),
    ])

  static let lstm = ModelDescription(
    name: "tiny-lstm", input: InputDescription(features: 6 * 4),
    layers: [.recurrent(.lstm, units: 5, steps: 6), .linear(units: 3)])

  func testACNNCheckpointKeepsItsDescriptionAndEveryParameter() throws {
    let model = try Sequential(description: Self.cnn, seed: 4)
    let loaded = try roundTrip(model)
    XCTAssertEqual(loaded.description, Self.cnn)
    XCTAssertEqual(loaded.parameters.map(\.value), model.parameters.map(\.value))
    XCTAssertEqual(outputs(of: loaded), outputs(of: model))
  }

  func testAnLSTMCheckpointKeepsItsDescriptionAndEveryParameter() throws {
    let model = try Sequential(description: Self.lstm, seed: 5)
    let loaded = try roundTrip(model)
    XCTAssertEqual(loaded.description, Self.lstm)
    XCTAssertEqual(outputs(of: loaded), outputs(of: model))
  }

  func testASparseLayersEvolvedPatternIsRestoredNotRedrawn() throws {
    let model = try Sequential(description: Self.cnn, seed: 4)
    var rng = SeededGenerator(seed: 8)
    for layer in model.sparseLayers { _ = SETEvolution(zeta: 0.5).rewire(layer, using: &rng) }
    let loaded = try roundTrip(model)
    XCTAssertEqual(loaded.sparseLayers.map(\.pattern), model.sparseLayers.map(\.pattern))
    XCTAssertEqual(outputs(of: loaded), outputs(of: model))
  }

  func testAPatternFileNeedNotExistToLoadTheCheckpoint() throws {
    let mtx = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-\(UUID().uuidString).mtx")
    var rng = SeededGenerator(seed: 1)
    let pattern = ErdosRenyiTopology.pattern(inputSize: 10, outputSize: 6, density: 0.3, using: &rng)
    try MatrixMarket.write(pattern, to: mtx)
    let description = ModelDescription(
      input: InputDescription(features: 10),
      layers: [.sparseLinear(units: 6, topology: TopologyDescription(kind: .file, path: mtx.path)), .linear(units: 2)])
    let model = try Sequential(description: description, seed: 2)
    XCTAssertEqual(model.sparseLayers[0].pattern, pattern)
    try FileManager.default.removeItem(at: mtx)
    let loaded = try roundTrip(model)
    XCTAssertEqual(loaded.sparseLayers[0].pattern, pattern)
    XCTAssertEqual(loaded.description, description)
  }

  func testMLPCheckpointsOfTheFirstFormatStillLoad() throws {
    let model = smallModel(seed: 6)
    // The sprig-checkpoint-1 layout, as Sprig wrote it before model descriptions.
    var tensors: [String: Tensor] = [:]
    var specs: [LayerSpec] = []
    for (i, layer) in model.layers.enumerated() {
      let prefix = "layers.\(i)."
      switch layer {
      case let s as SparseLinear:
        specs.append(LayerSpec(type: "sparse_linear", inputs: s.inputSize, outputs: s.outputSize))
        tensors[prefix + "row_ptr"] = Tensor(shape: [s.pattern.rowPointers.count], data: .int32(s.pattern.rowPointers))
        tensors[prefix + "col_idx"] = Tensor(shape: [s.connectionCount], data: .int32(s.pattern.columnIndices))
        tensors[prefix + "weight"] = Tensor(shape: [s.connectionCount], data: .float32(s.weight.value))
        tensors[prefix + "bias"] = Tensor(shape: [s.outputSize], data: .float32(s.bias.value))
      case let l as Linear:
        specs.append(LayerSpec(type: "linear", inputs: l.inputSize, outputs: l.outputSize))
        tensors[prefix + "weight"] = Tensor(shape: [l.outputSize, l.inputSize], data: .float32(l.weight.value))
        tensors[prefix + "bias"] = Tensor(shape: [l.outputSize], data: .float32(l.bias.value))
      default:
        specs.append(
          LayerSpec(type: "activation", inputs: layer.inputSize, outputs: layer.outputSize, activation: ActivationKind(layer: layer)))
      }
    }
    let layersJSON = String(decoding: try JSONEncoder().encode(specs), as: UTF8.self)
    let file = SafeTensorsFile(tensors: tensors, metadata: ["format": "sprig-checkpoint-1", "layers": layersJSON, "dataset": "blobs"])
    let loaded = try Checkpoint(file: file, path: "old.safetensors")
    XCTAssertEqual(loaded.info["dataset"], "blobs")
    XCTAssertEqual(outputs(of: loaded.model), outputs(of: model))
  }

  func testAnUnknownFormatSaysWhichFormatsAreRead() {
    let file = SafeTensorsFile(tensors: [:], metadata: ["format": "other"])
    XCTAssertThrowsError(try Checkpoint(file: file, path: "x.safetensors")) {
      XCTAssertTrue("\($0)".contains("sprig-checkpoint-2") && "\($0)".contains("sprig-checkpoint-1"), "\($0)")
    }
  }

  func testAStoredDescriptionWithAnUnknownLayerTypeNamesTheLayer() throws {
    var file = try Checkpoint(model: smallModel(seed: 1), scaling: nil).file()
    file.metadata["model"] = file.metadata["model"]!.replacingOccurrences(of: "\"type\":\"linear\"", with: "\"type\":\"lineer\"")
    XCTAssertThrowsError(try Checkpoint(file: file, path: "x.safetensors")) {
      XCTAssertTrue("\($0)".contains("layers[4].type"), "\($0)")
      XCTAssertTrue("\($0)".contains("unknown layer type \"lineer\""), "\($0)")
    }
  }
}
