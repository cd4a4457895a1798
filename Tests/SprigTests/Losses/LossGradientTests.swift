import XCTest
@testable import Sprig

/// Every loss's gradient against central finite differences of its value.
final class LossGradientTests: XCTestCase {
  func testMeanSquaredErrorGradientMatchesFiniteDifferences() {
    checkLossGradient(
      MeanSquaredError(), predictions: randomMatrix(rows: 3, columns: 4, seed: 1), targets: randomMatrix(rows: 3, columns: 4, seed: 2))
  }

  func testMeanAbsoluteErrorGradientMatchesFiniteDifferencesAwayFromZeroError() {
    let p = Matrix([[0.5, -1, 2, 0.1], [1, 1, -0.3, 0.7], [-2, 0.4, 0, 3]])
    let t = Matrix([[0, 0, 1, 1], [0.2, 2, 0.5, -0.5], [1, -1, 0.8, 2]])
    checkLossGradient(MeanAbsoluteError(), predictions: p, targets: t)
  }

  func testHuberGradientMatchesFiniteDifferencesInBothRegions() {
    // Errors of 0.3, 0.6 (quadratic) and 1.7, 2.5, −3 (linear) for δ = 1.
    let p = Matrix([[0.3, 0.6, 1.7, 2.5, -3]])
    let t = Matrix(rows: 1, columns: 5)
    checkLossGradient(Huber(), predictions: p, targets: t)
  }

  func testHuberWithOtherDeltaGradientMatchesFiniteDifferences() {
    checkLossGradient(
      Huber(delta: 0.5), predictions: matrixAwayFromHuberKinks(delta: 0.5, seed: 3), targets: Matrix(rows: 3, columns: 4))
  }

  func testLogCoshGradientMatchesFiniteDifferences() {
    checkLossGradient(
      LogCosh(), predictions: randomMatrix(rows: 3, columns: 4, in: -4...4, seed: 4), targets: randomMatrix(rows: 3, columns: 4, seed: 5))
  }

  func testBinaryCrossEntropyWithLogitsGradientMatchesFiniteDifferences() {
    checkLossGradient(
      BinaryCrossEntropyWithLogits(), predictions: randomMatrix(rows: 3, columns: 4, in: -5...5, seed: 6),
      targets: randomMatrix(rows: 3, columns: 4, in: 0...1, seed: 7))
  }

  func testSoftmaxCrossEntropyGradientMatchesFiniteDifferencesForOneHotTargets() {
    checkLossGradient(
      SoftmaxCrossEntropy(), predictions: randomMatrix(rows: 4, columns: 3, in: -3...3, seed: 8),
      targets: oneHot([2, 0, 3], classes: 4))
  }

  func testSoftmaxCrossEntropyGradientMatchesFiniteDifferencesForProbabilityTargets() {
    let t = randomMatrix(rows: 4, columns: 3, in: 0.1...1, seed: 9)
    for j in 0..<3 {
      let s = t.column(j).reduce(0, +)
      for i in 0..<4 { t[i, j] /= s }
    }
    checkLossGradient(SoftmaxCrossEntropy(), predictions: randomMatrix(rows: 4, columns: 3, in: -3...3, seed: 10), targets: t)
  }

  func testSoftmaxCrossEntropyGradientMatchesFiniteDifferencesForUnnormalisedTargets() {
    // Targets not summing to 1: the gradient must carry softmax·Σt, not softmax alone.
    checkLossGradient(
      SoftmaxCrossEntropy(), predictions: randomMatrix(rows: 4, columns: 3, in: -3...3, seed: 11),
      targets: randomMatrix(rows: 4, columns: 3, in: 0.2...0.6, seed: 12))
  }

  func testSoftmaxCrossEntropyGradientIsSoftmaxMinusTargetOverBatch() {
    let z = Matrix([[0, 1], [0, 1]])
    let g = Matrix(rows: 0, columns: 0)
    _ = SoftmaxCrossEntropy()(z, oneHot([0, 1], classes: 2), gradient: g)
    // Both columns are uniform: softmax 0.5, batch 2.
    XCTAssertEqual(g, Matrix([[(0.5 - 1) / 2, 0.5 / 2], [0.5 / 2, (0.5 - 1) / 2]]))
  }

  /// Errors uniform in ±2 but at least 0.05 from 0 and from ±δ.
  private func matrixAwayFromHuberKinks(delta: Float, seed: UInt64) -> Matrix {
    let m = randomMatrix(rows: 3, columns: 4, in: -2...2, seed: seed)
    for k in m.elements.indices {
      for kink in [-delta, 0, delta] where abs(m.elements[k] - kink) < 0.05 { m.elements[k] = kink + 0.1 }
    }
    return m
  }
}
