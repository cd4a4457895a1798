import XCTest
@testable import Sprig

/// The Layer contract as activations keep it: buffers, gradients, flags.
final class ActivationLayerBehaviourTests: XCTestCase {
  func testForwardReusesItsOutputBuffer() {
    let layer = Tanh(size: 3)
    let first = layer.forward(randomMatrix(rows: 3, columns: 4, seed: 1), training: true)
    let second = layer.forward(randomMatrix(rows: 3, columns: 4, seed: 2), training: true)
    XCTAssertTrue(first === second)
  }

  func testBackwardReusesItsInputGradientBuffer() {
    let layer = PReLU(size: 3)
    let x = randomMatrix(rows: 3, columns: 4, seed: 3), dY = randomMatrix(rows: 3, columns: 4, seed: 4)
    _ = layer.forward(x, training: true)
    let first = layer.backward(dY)
    _ = layer.forward(x, training: true)
    XCTAssertTrue(first === layer.backward(dY))
  }

  func testBackwardOverwritesParameterGradientsInsteadOfAccumulating() {
    let layer = SReLU(size: 3, leftThreshold: -0.3, leftSlope: 0.1, rightThreshold: 0.4, rightSlope: 0.6)
    let x = randomMatrix(rows: 3, columns: 8, seed: 5), dY = randomMatrix(rows: 3, columns: 8, seed: 6)
    _ = layer.forward(x, training: true)
    _ = layer.backward(dY)
    let once = layer.parameters.map { $0.gradient }
    _ = layer.forward(x, training: true)
    _ = layer.backward(dY)
    XCTAssertEqual(layer.parameters.map { $0.gradient }, once)
  }

  func testParameterGradientIsSummedOverTheBatch() {
    let layer = PReLU(size: 1)
    _ = layer.forward(Matrix([[-1, -2, 3]]), training: true)
    _ = layer.backward(Matrix([[1, 1, 1]]))
    XCTAssertEqual(layer.slope.gradient, [-3])  // ∂y/∂a = x on the negative side: −1 − 2
  }

  func testBackwardSkipsInputGradientWhenNotNeeded() {
    let layer = Swish(size: 2, learnable: true)
    layer.needsInputGradient = false
    _ = layer.forward(randomMatrix(rows: 2, columns: 3, seed: 7), training: true)
    XCTAssertEqual(layer.backward(randomMatrix(rows: 2, columns: 3, seed: 8)).count, 0)
    XCTAssertTrue(layer.beta.gradient.contains { $0 != 0 })
  }

  func testStepBackwardReturnsZeros() {
    let layer = Step(size: 2)
    _ = layer.forward(randomMatrix(rows: 2, columns: 3, seed: 9), training: true)
    let dX = layer.backward(Matrix(rows: 2, columns: 3, repeating: 1))
    XCTAssertEqual(dX, Matrix(rows: 2, columns: 3))
  }

  func testLearnedParametersAreNamedAndDoNotDecay() {
    let layers: [Layer] = [PReLU(size: 2), Swish(size: 2, learnable: true), SReLU(size: 2)]
    XCTAssertEqual(layers.map { $0.parameters.map(\.name) }, [["slope"], ["beta"], ["t_left", "a_left", "t_right", "a_right"]])
    XCTAssertTrue(layers.allSatisfy { $0.parameters.allSatisfy { !$0.decays && $0.count == 2 } })
  }

  func testLastSmallerBatchIsHandled() {
    let layer = Softmax(size: 3)
    _ = layer.forward(randomMatrix(rows: 3, columns: 8, seed: 10), training: true)
    let y = layer.forward(randomMatrix(rows: 3, columns: 2, seed: 11), training: true)
    XCTAssertEqual(y.columns, 2)
    XCTAssertEqual(layer.backward(randomMatrix(rows: 3, columns: 2, seed: 12)).columns, 2)
  }
}
