import XCTest

@testable import Sprig

/// `Sequential` runs a `SparseLinear` followed by a `ReLU` as one kernel
/// that rectifies each row: the result must be the unfused chain's, exactly.
final class SparseReLUFusionTests: XCTestCase {
  private func model(seed: UInt64) -> [Layer] {
    var g = SeededGenerator(seed: seed)
    let first = SparseLinear(inputSize: 40, outputSize: 60, epsilon: 8, using: &g)
    let second = SparseLinear(inputSize: 60, outputSize: 30, epsilon: 8, using: &g)
    // Non-zero biases so that whole rows sit on either side of zero.
    first.bias.value = (0..<60).map { _ in g.nextNormal() * 0.5 }
    second.bias.value = (0..<30).map { _ in g.nextNormal() * 0.5 }
    return [first, ReLU(size: 60), second, ReLU(size: 30), Linear(inputSize: 30, outputSize: 5, using: &g)]
  }

  func testFusedSparseReLUForwardAndGradientsEqualTheLayerByLayerChain() {
    for batch in [37, 128] {
      let fused = Sequential(model(seed: 3)), chain = model(seed: 3)
      let x = randomMatrix(rows: 40, columns: batch, seed: 4)
      let dOut = randomMatrix(rows: 5, columns: batch, seed: 5)

      let yFused = fused.forward(x, training: true)
      var h = x
      for layer in chain { h = layer.forward(h, training: true) }
      XCTAssertEqual(yFused, h, "forward, batch \(batch)")

      fused.backward(dOut)
      var g = dOut
      for layer in chain.reversed() { g = layer.backward(g) }
      let fusedGradients = fused.parameters.map(\.gradient)
      let chainGradients = chain.flatMap(\.parameters).map(\.gradient)
      XCTAssertEqual(fusedGradients, chainGradients, "gradients, batch \(batch)")
    }
  }
}
