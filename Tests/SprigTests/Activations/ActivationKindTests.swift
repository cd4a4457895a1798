import Foundation
import XCTest
@testable import Sprig

/// The command-line names and the factory.
final class ActivationKindTests: XCTestCase {
  func testRawValuesAreCommandLineNames() {
    XCTAssertEqual(
      ActivationKind.allCases.map(\.rawValue),
      ["linear", "step", "sigmoid", "tanh", "relu", "leaky-relu", "prelu", "elu", "selu", "softplus", "swish", "mish", "srelu", "softmax"])
  }

  func testEveryKindMakesALayerOfTheRequestedSize() {
    for kind in ActivationKind.allCases {
      let layer = kind.makeLayer(size: 5)
      XCTAssertEqual(layer.inputSize, 5, "\(kind)")
      XCTAssertEqual(layer.outputSize, 5, "\(kind)")
      let y = layer.forward(randomMatrix(rows: 5, columns: 3, seed: 1), training: false)
      XCTAssertEqual(y.rows, 5, "\(kind)")
      XCTAssertEqual(y.columns, 3, "\(kind)")
    }
  }

  func testKindsRoundTripThroughJSON() throws {
    let data = try JSONEncoder().encode(ActivationKind.allCases)
    XCTAssertEqual(try JSONDecoder().decode([ActivationKind].self, from: data), ActivationKind.allCases)
    XCTAssertEqual(ActivationKind(rawValue: "leaky-relu"), .leakyReLU)
  }
}
