import XCTest

@testable import Sprig

/// `Sequential` runs a `SparseLinear` followed by a `ReLU` as one kernel
/// that rectifies each row, and backward through sparse, ReLU, sparse as
/// one SpMM that masks and sums each row: the results must be the unfused
/// chain's, exactly.
final class SparseReLUFusionTests: XCTestCase {
  private func model(seed: UInt64) -> [Layer] {
    var g = SeededGenerator(seed: seed)
    let first = SparseLinear(inputSize: 40, outputSize: 60, epsilon: 8, using: &g)
    let second = SparseLinear(inputSize: 60, outputSize: 50, epsilon: 8, using: &g)
    let third = SparseLinear(inputSize: 50, outputSize: 30, epsilon: 8, using: &g)
    // Non-zero biases so that whole rows sit on either side of zero.
    for layer in [first, second, third] {
      layer.bias.value = (0..<layer.outputSize).map { _ in g.nextNormal() * 0.5 }
    }
    // Two overlapping sparse-ReLU-sparse runs backward: (third, second), (second, first).
    return [
      first, ReLU(size: 60), second, ReLU(size: 50), third, ReLU(size: 30), Linear(inputSize: 30, outputSize: 5, using: &g),
    ]
  }

  func testFusedSparseReLUForwardAndGradientsEqualTheLayerByLayerChain() {
    let threads = Parallel.threadCount
    defer { Parallel.threadCount = threads }
    // One thread on AVX-512 takes the one-pass backward, which does not fuse.
    for (batch, threadCount) in [(37, 1), (128, 1), (128, 2)] {
      Parallel.threadCount = threadCount
      let fused = Sequential(model(seed: 3)), chain = model(seed: 3)
      let x = randomMatrix(rows: 40, columns: batch, seed: 4)
      let dOut = randomMatrix(rows: 5, columns: batch, seed: 5)

      let yFused = fused.forward(x, training: true)
      var h = x
      for layer in chain { h = layer.forward(h, training: true) }
      XCTAssertEqual(yFused, h, "forward, batch \(batch), \(threadCount) threads")

      fused.backward(dOut)
      var g = dOut
      for layer in chain.reversed() { g = layer.backward(g) }
      let fusedGradients = fused.parameters.map(\.gradient)
      let chainGradients = chain.flatMap(\.parameters).map(\.gradient)
      XCTAssertEqual(fusedGradients, chainGradients, "gradients, batch \(batch), \(threadCount) threads")
    }
  }
}
