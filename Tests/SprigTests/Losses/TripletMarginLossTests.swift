import XCTest
@testable import Sprig

/// The triplet margin loss: value, gradients of all three inputs, edge cases.
final class TripletMarginLossTests: XCTestCase {
  private struct Result {
    let loss: Float
    let anchor: Matrix, positive: Matrix, negative: Matrix
  }

  private func evaluate(_ loss: TripletMarginLoss, _ a: Matrix, _ p: Matrix, _ n: Matrix) -> Result {
    let (da, dp, dn) = (Matrix(rows: 0, columns: 0), Matrix(rows: 0, columns: 0), Matrix(rows: 0, columns: 0))
    let l = loss(anchor: a, positive: p, negative: n, anchorGradient: da, positiveGradient: dp, negativeGradient: dn)
    return Result(loss: l, anchor: da, positive: dp, negative: dn)
  }

  func testGradientsOfAnchorPositiveAndNegativeMatchFiniteDifferences() {
    let loss = TripletMarginLoss(margin: 1)
    let a = randomMatrix(rows: 4, columns: 5, seed: 1)
    let p = randomMatrix(rows: 4, columns: 5, seed: 2)
    let n = randomMatrix(rows: 4, columns: 5, seed: 3)
    let r = evaluate(loss, a, p, n)
    XCTAssertGreaterThan(r.loss, 0)
    for (input, analytic, label) in [(a, r.anchor, "anchor"), (p, r.positive, "positive"), (n, r.negative, "negative")] {
      checkGradientByFiniteDifferences(of: { self.evaluate(loss, a, p, n).loss }, input: input, analytic: analytic, label: label)
    }
  }

  func testKnownValueIsMeanOfHinges() {
    // Sample 0: ‖a − p‖ = 3, ‖a − n‖ = 5 → max(0, 3 − 5 + 1) = 0.
    // Sample 1: ‖a − p‖ = 5, ‖a − n‖ = 3 → 5 − 3 + 1 = 3.
    let a = Matrix([[0, 0], [0, 0]])
    let p = Matrix([[3, 3], [0, 4]])
    let n = Matrix([[3, 3], [4, 0]])
    XCTAssertEqual(evaluate(TripletMarginLoss(), a, p, n).loss, 1.5, accuracy: 1e-6)
  }

  func testSatisfiedTripletsGiveZeroLossAndZeroGradients() {
    let a = Matrix([[0], [0]]), p = Matrix([[0.1], [0]]), n = Matrix([[5], [5]])
    let r = evaluate(TripletMarginLoss(), a, p, n)
    XCTAssertEqual(r.loss, 0)
    for g in [r.anchor, r.positive, r.negative] { XCTAssertEqual(g, Matrix(rows: 2, columns: 1)) }
  }

  func testZeroDistancesGiveFiniteGradients() {
    let a = Matrix([[1], [2]])
    let r = evaluate(TripletMarginLoss(), a, a, a)
    XCTAssertEqual(r.loss, 1, accuracy: 1e-6)  // 0 − 0 + margin
    for g in [r.anchor, r.positive, r.negative] {
      XCTAssertTrue(g.isFinite)
      XCTAssertEqual(g, Matrix(rows: 2, columns: 1))
    }
  }
}
