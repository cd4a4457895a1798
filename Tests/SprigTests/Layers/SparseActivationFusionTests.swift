import XCTest

@testable import Sprig

/// `Sequential` runs a `SparseLinear` followed by a `ReLU`, or by an `SReLU`
/// (and a `Dropout`), as one kernel, and backward through sparse, ReLU,
/// sparse or sparse, SReLU, (dropout,) sparse as one SpMM that carries the
/// gradient through and sums each row: the results must be the unfused
/// chain's, exactly.
final class SparseActivationFusionTests: XCTestCase {
  /// 40 → 60 → 50 → 30 sparse layers with non-zero biases, so that whole
  /// rows sit on either side of zero, and `activation` (of a size, the
  /// layer's index) after each, then a dense 30 → 5 layer.
  private func model(seed: UInt64, _ activation: (Int, Int, inout SeededGenerator) -> [Layer]) -> [Layer] {
    var g = SeededGenerator(seed: seed)
    var layers: [Layer] = []
    for (k, (n, m)) in [(40, 60), (60, 50), (50, 30)].enumerated() {
      let sparse = SparseLinear(inputSize: n, outputSize: m, epsilon: 8, using: &g)
      sparse.bias.value = (0..<m).map { _ in g.nextNormal() * 0.5 }
      layers += [sparse] + activation(m, k, &g)
    }
    return layers + [Linear(inputSize: 30, outputSize: 5, using: &g)]
  }

  /// Three overlapping runs backward: (dense, ReLU, third), (third, ReLU,
  /// second), (second, ReLU, first).
  private func reluModel(seed: UInt64) -> [Layer] {
    model(seed: seed) { size, _, _ in [ReLU(size: size)] }
  }

  /// Backward: (dense, dropout, SReLU, third), (third, SReLU, second)
  /// without dropout, (second, dropout, SReLU, first); forward: each sparse
  /// layer with what follows it.
  private func sreluModel(seed: UInt64, dropoutRate: Float = 0.3) -> [Layer] {
    model(seed: seed) { size, k, g in
      let srelu = SReLU(size: size), shape = randomSReLUShape(units: size, seed: seed + UInt64(k))
      (srelu.leftThreshold.value, srelu.leftSlope.value) = (shape.leftThreshold, shape.leftSlope)
      (srelu.rightThreshold.value, srelu.rightSlope.value) = (shape.rightThreshold, shape.rightSlope)
      return k == 1 ? [srelu] : [srelu, Dropout(size: size, rate: dropoutRate, seed: g.next())]
    }
  }

  /// The SReLU model with its second sparse layer on GraphBLAS: the
  /// forward into that layer's SReLU and dropout still fuses (the first
  /// layer is Sprig's), but that layer's backward declines to carry, so the
  /// dropout and SReLU run their own backward from the fused forward's state.
  private func declinedSReLUModel(seed: UInt64) -> [Layer] {
    let layers = sreluModel(seed: seed)
    (layers[3] as! SparseLinear).backend = .graphBLAS
    return layers
  }

  /// Two training steps of the fused model and the chain on the same
  /// batches (the second draws new dropout masks), compared exactly.
  private func assertFusedEqualsChain(
    _ build: (UInt64) -> [Layer], precision: ActivationPrecision = .fp32, file: StaticString = #filePath, line: UInt = #line
  ) {
    let threads = Parallel.threadCount
    defer { Parallel.threadCount = threads }
    // One thread on AVX-512 would take the one-pass backward where nothing is carried.
    for (batch, threadCount) in [(37, 1), (128, 1), (128, 2)] {
      Parallel.threadCount = threadCount
      let fused = Sequential(build(3)), chain = build(3)
      // As Sequential does: every weight gradient comes from the SDDMM (the
      // first layer's alone, the others' beside the carrying SpMM), not from
      // the one-pass backward that also forms dX and sums dW in another order.
      chain[0].needsInputGradient = false
      for case let sparse as SparseLinear in chain { sparse.allowsOnePassBackward = false }
      for sparse in fused.sparseLayers { sparse.activationPrecision = precision }
      for case let sparse as SparseLinear in chain { sparse.activationPrecision = precision }
      let x = randomMatrix(rows: 40, columns: batch, seed: 4)
      let dOut = randomMatrix(rows: 5, columns: batch, seed: 5)
      for step in 1...2 {
        let context = "batch \(batch), \(threadCount) threads, step \(step)"
        let yFused = fused.forward(x, training: true)
        var h = x
        for layer in chain { h = layer.forward(h, training: true) }
        XCTAssertEqual(yFused, h, "forward, \(context)", file: file, line: line)

        fused.backward(dOut)
        var g = dOut
        for layer in chain.reversed() { g = layer.backward(g) }
        XCTAssertEqual(
          fused.parameters.map(\.gradient), chain.flatMap(\.parameters).map(\.gradient), "gradients, \(context)",
          file: file, line: line)
      }
    }
  }

  func testFusedChainsWithBFloat16ActivationsEqualTheLayerByLayerChain() {
    assertFusedEqualsChain(reluModel, precision: .bf16)
    assertFusedEqualsChain({ self.sreluModel(seed: $0) }, precision: .bf16)
  }

  func testFusedSparseReLUForwardAndGradientsEqualTheLayerByLayerChain() {
    assertFusedEqualsChain(reluModel)
  }

  func testFusedSparseSReLUDropoutForwardAndGradientsEqualTheLayerByLayerChain() {
    assertFusedEqualsChain { self.sreluModel(seed: $0) }
  }

  func testDeclinedCarryAfterAFusedForwardEqualsTheLayerByLayerChain() {
    assertFusedEqualsChain(declinedSReLUModel)
  }

  func testFusedChainWithDropoutRateZeroEqualsTheLayerByLayerChain() {
    assertFusedEqualsChain { self.sreluModel(seed: $0, dropoutRate: 0) }
  }

  func testFusedSReLUInferenceEqualsTheLayerByLayerChainWithoutDropout() {
    let fused = Sequential(sreluModel(seed: 6)), chain = sreluModel(seed: 6)
    let x = randomMatrix(rows: 40, columns: 19, seed: 7)
    var h = x
    for layer in chain { h = layer.forward(h, training: false) }
    XCTAssertEqual(fused.forward(x, training: false), h)
  }
}
