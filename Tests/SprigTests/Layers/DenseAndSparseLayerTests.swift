import XCTest
@testable import Sprig

final class SparseLinearTests: XCTestCase {
  func testBackwardMatchesFiniteDifferences() {
    var g = SeededGenerator(seed: 1)
    let layer = SparseLinear(pattern: randomPattern(rows: 7, columns: 9, density: 0.4, seed: 2), using: &g)
    layer.bias.value = (0..<7).map { Float($0) * 0.1 }
    checkLayerGradients(layer, input: randomMatrix(rows: 9, columns: 5, seed: 3))
  }

  /// One thread takes the fused backward (dX and dW in one pass over Wᵀ),
  /// more take the separate kernels: both must be the layer's gradient.
  func testBackwardMatchesFiniteDifferencesOnOneAndTwoThreads() {
    let keep = Parallel.threadCount
    defer { Parallel.threadCount = keep }
    for threads in [1, 2] {
      Parallel.threadCount = threads
      var g = SeededGenerator(seed: 4)
      let layer = SparseLinear(pattern: randomPattern(rows: 40, columns: 30, density: 0.3, seed: 5), using: &g)
      checkLayerGradients(layer, input: randomMatrix(rows: 30, columns: 19, seed: 6))
    }
  }

  func testForwardEqualsDenseLayerWithSameWeights() throws {
    var g = SeededGenerator(seed: 4)
    let sparse = SparseLinear(inputSize: 30, outputSize: 20, epsilon: 3, using: &g)
    let dense = try Linear(inputSize: 30, outputSize: 20, weights: Array(sparse.weights.dense().elements), bias: sparse.bias.value)
    let x = randomMatrix(rows: 30, columns: 6, seed: 5)
    assertClose(sparse.forward(x, training: false).copy(), dense.forward(x, training: false))
  }

  func testInitialWeightsScaleWithEachUnitsInDegree() {
    var g = SeededGenerator(seed: 6)
    let layer = SparseLinear(inputSize: 2000, outputSize: 200, epsilon: 20, initialization: .heUniform, using: &g)
    let p = layer.pattern
    var sumSquares = 0.0, expected = 0.0
    for i in 0..<p.rows {
      let d = Double(p.rowPointers[i + 1] - p.rowPointers[i])
      for k in Int(p.rowPointers[i])..<Int(p.rowPointers[i + 1]) { sumSquares += Double(layer.weight.value[k] * layer.weight.value[k]) }
      expected += d * 2 / d  // He variance 2/fanIn per weight
    }
    XCTAssertEqual(sumSquares / expected, 1, accuracy: 0.05)
  }

  func testFirstLayerSkipsInputGradient() {
    var g = SeededGenerator(seed: 7)
    let layer = SparseLinear(inputSize: 10, outputSize: 4, epsilon: 2, using: &g)
    layer.needsInputGradient = false
    _ = layer.forward(randomMatrix(rows: 10, columns: 3, seed: 8), training: true)
    XCTAssertEqual(layer.backward(randomMatrix(rows: 4, columns: 3, seed: 9)).count, 0)
  }
}

final class LinearTests: XCTestCase {
  func testBackwardMatchesFiniteDifferences() {
    var g = SeededGenerator(seed: 11)
    let layer = Linear(inputSize: 6, outputSize: 4, using: &g)
    layer.bias.value = [0.1, -0.2, 0.3, 0]
    checkLayerGradients(layer, input: randomMatrix(rows: 6, columns: 3, seed: 12))
  }
}

final class DropoutTests: XCTestCase {
  func testTrainingDropsAboutTheRateAndScalesSurvivors() {
    let d = Dropout(size: 100, rate: 0.3, seed: 1)
    let x = Matrix(rows: 100, columns: 100, repeating: 1)
    let y = d.forward(x, training: true)
    let dropped = y.elements.filter { $0 == 0 }.count
    XCTAssertEqual(Double(dropped) / 10_000, 0.3, accuracy: 0.02)
    XCTAssertTrue(y.elements.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
  }

  func testBackwardAppliesTheForwardMask() {
    let d = Dropout(size: 8, rate: 0.5, seed: 2)
    let x = randomMatrix(rows: 8, columns: 4, in: 1...2, seed: 3)
    let y = d.forward(x, training: true).copy()
    let ones = Matrix(rows: 8, columns: 4, repeating: 1)
    let dx = d.backward(ones)
    for i in 0..<x.count { XCTAssertEqual(dx.elements[i], y.elements[i] / x.elements[i], accuracy: 1e-5) }
  }

  func testMasksDifferBetweenBatchesAndRepeatAfterReseeding() {
    let d = Dropout(size: 37, rate: 0.5, seed: 4)
    let x = Matrix(rows: 37, columns: 11, repeating: 1)
    let first = d.forward(x, training: true).elements
    let second = d.forward(x, training: true).elements
    let agreement = zip(first, second).filter { $0 == $1 }.count
    XCTAssertEqual(Double(agreement) / Double(first.count), 0.5, accuracy: 0.1, "consecutive masks should be independent")
    d.reseed(4)
    XCTAssertEqual(d.forward(x, training: true).elements, first)
  }

  func testInferenceIsIdentity() {
    let d = Dropout(size: 3, rate: 0.5, seed: 3)
    let x = Matrix([[1], [2], [3]])
    XCTAssertEqual(d.forward(x, training: false), x)
  }
}

final class GraphBLASBackendTests: XCTestCase {
  func testGraphBLASBackendComputesTheSameLayer() {
    var g = SeededGenerator(seed: 21)
    let pattern = randomPattern(rows: 40, columns: 30, density: 0.2, seed: 22)
    let sprig = SparseLinear(pattern: pattern, using: &g)
    let graph = try! SparseLinear(pattern: pattern, weights: sprig.weight.value, bias: sprig.bias.value)
    graph.backend = .graphBLAS
    sprig.bias.value = (0..<40).map { Float($0) / 40 }
    graph.bias.value = sprig.bias.value
    let x = randomMatrix(rows: 30, columns: 13, seed: 23), dY = randomMatrix(rows: 40, columns: 13, seed: 24)
    assertClose(graph.forward(x, training: true).copy(), sprig.forward(x, training: true).copy())
    assertClose(graph.backward(dY).copy(), sprig.backward(dY).copy())
    for k in sprig.weight.gradient.indices { XCTAssertEqual(graph.weight.gradient[k], sprig.weight.gradient[k], accuracy: 1e-4) }
    XCTAssertEqual(graph.bias.gradient, sprig.bias.gradient)
  }
}
