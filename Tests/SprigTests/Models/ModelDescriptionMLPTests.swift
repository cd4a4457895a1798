// An MLP built from its description is the MLP Sprig built before descriptions existed.
import Crypto
import Foundation
import XCTest

@testable import Sprig

final class ModelDescriptionMLPTests: XCTestCase {
  /// The configurations the CLI's MLP flags make, one per topology and option.
  static func configurations() -> [(String, MLPConfiguration)] {
    func mlp(_ change: (inout MLPConfiguration) -> Void) -> MLPConfiguration {
      var c = MLPConfiguration(inputSize: 64, hiddenSizes: [40, 30], outputSize: 10, epsilon: 4)
      c.imageShape = ImageShape(height: 8, width: 8)
      change(&c)
      return c
    }
    return [
      ("er", mlp { _ in }),
      ("dense", mlp { $0.epsilon = nil }),
      ("dense-output-srelu-dropout", mlp { $0.denseOutputLayer = true; $0.activation = .srelu; $0.dropout = 0.3 }),
      ("erk", mlp { $0.topology = .erk }),
      ("small-world", mlp { $0.topology = .smallWorld }),
      ("scale-free", mlp { $0.topology = .scaleFree }),
      ("local", mlp { $0.topology = .local }),
      ("glorot", mlp { $0.initialization = .glorotUniform; $0.activation = .tanh }),
    ]
  }

  /// SHA-256 over every pattern and parameter of `model`, layer by layer.
  static func digest(_ model: Sequential) -> String {
    var hasher = SHA256()
    for layer in model.layers {
      hasher.update(data: Data(layer.name.utf8))
      if let sparse = layer as? SparseLinear {
        sparse.pattern.rowPointers.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        sparse.pattern.columnIndices.withUnsafeBytes { hasher.update(bufferPointer: $0) }
      }
      for p in layer.parameters { p.value.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
  }

  /// The digests of the models MLPConfiguration.makeModel(seed: 7) built
  /// before model descriptions (commit 886101b, the direct builder): the
  /// description path draws exactly what it drew.
  static let digestsBeforeDescriptions = [
    "er": "fdac84e8171c66a10ed300fb76cdaef4bf490c8755ff26f6c38535ea413781b3",
    "dense": "ac3a06bb7636fd4ebf2aae14ea5b748200b8aec92914ffe70c96f6c7dcd8cbc3",
    "dense-output-srelu-dropout": "025a3158d19af5f2402351a06f97ae5de9c9e7f459f469dcd5b5c32035218773",
    "erk": "fdac84e8171c66a10ed300fb76cdaef4bf490c8755ff26f6c38535ea413781b3",
    "small-world": "9484c8f7a108388bacc0186ecbe9d83db8852175b9d1fed7ad63980f1846d365",
    "scale-free": "ae6c5e618d91a80c2c5a882e711f3ab06c1d00611b66414308649dc77f2c80f9",
    "local": "3da8062975f6dfe8697947df235a059e39a16719d0ffce356eb760d5f3e5c752",
    "glorot": "fe252f5427b4a1ba5313885ee5a26363d87956b6fe6c781ce82d1aa6f59c7640",
  ]

  func testAnMLPBuiltFromItsDescriptionHasTheBytesItHadBeforeDescriptions() throws {
    for (name, configuration) in Self.configurations() {
      XCTAssertEqual(Self.digest(try configuration.makeModel(seed: 7)), Self.digestsBeforeDescriptions[name], name)
    }
  }

  func testAnMLPDescriptionRoundTripsThroughJSONAndTheModel() throws {
    for (name, configuration) in Self.configurations() {
      let description = try configuration.description(name: name, training: TrainingOptions())
      let decoded = try ModelDescription(json: try description.json(), source: name)
      XCTAssertEqual(decoded, description, name)
      XCTAssertEqual(try Sequential(description: decoded, seed: 1).description, description, name)
    }
  }
}
