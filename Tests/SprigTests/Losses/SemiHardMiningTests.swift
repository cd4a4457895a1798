import XCTest
@testable import Sprig

/// FaceNet's semi-hard choice, its fallbacks, and the gradient of the whole
/// mine → gather → loss → scatter chain.
final class SemiHardMiningTests: XCTestCase {
  /// Points on a line (one feature), as a 1 × B matrix.
  private func line(_ xs: [Float]) -> Matrix { Matrix(rows: 1, columns: xs.count, elements: xs) }
  private var rng = SeededGenerator(seed: 1)

  func testPicksTheClosestNegativeBeyondThePositiveWithinTheMargin() {
    // Anchor 0 at 0, positive at 1; negatives at 0.5 (harder), 1.4 and 1.8 (semi-hard), 5 (easy).
    let e = line([0, 1, 0.5, 1.4, 1.8, 5])
    let t = SemiHardTripletMining.triplets(embeddings: e, labels: [0, 0, 1, 1, 1, 1], margin: 1, using: &rng)
    XCTAssertEqual(t.first { $0.anchor == 0 && $0.positive == 1 }?.negative, 3)
  }

  func testWithoutASemiHardNegativeTakesTheClosestFartherOne() {
    let e = line([0, 1, 0.5, 4, 6])
    let t = SemiHardTripletMining.triplets(embeddings: e, labels: [0, 0, 1, 1, 1], margin: 1, using: &rng)
    XCTAssertEqual(t.first { $0.anchor == 0 && $0.positive == 1 }?.negative, 3)
  }

  func testWithEveryNegativeCloserThanThePositiveTakesTheFarthest() {
    let e = line([0, 5, 0.5, 2])
    let t = SemiHardTripletMining.triplets(embeddings: e, labels: [0, 0, 1, 1], margin: 1, using: &rng)
    XCTAssertEqual(t.first { $0.anchor == 0 && $0.positive == 1 }?.negative, 3)
  }

  func testAnchorsWithoutAPositiveAreSkipped() {
    let e = line([0, 1, 2, 3])
    let t = SemiHardTripletMining.triplets(embeddings: e, labels: [0, 0, 1, 2], margin: 1, using: &rng)
    XCTAssertEqual(Set(t.map(\.anchor)), [0, 1])
    XCTAssertEqual(t.count, 2)
  }

  func testScatteredGradientsAddEveryTripletsTermsPerSample() {
    let e = randomMatrix(rows: 3, columns: 6, seed: 2)
    let triplets = [Triplet(anchor: 0, positive: 1, negative: 2), Triplet(anchor: 1, positive: 0, negative: 2), Triplet(anchor: 3, positive: 4, negative: 0)]
    let (a, p, n) = (randomMatrix(rows: 3, columns: 3, seed: 3), randomMatrix(rows: 3, columns: 3, seed: 4), randomMatrix(rows: 3, columns: 3, seed: 5))
    let g = Matrix(rows: 3, columns: 6)
    SemiHardTripletMining.scatterGradients(triplets, anchor: a, positive: p, negative: n, into: g)
    for i in 0..<3 {
      XCTAssertEqual(g[i, 0], a[i, 0] + p[i, 1] + n[i, 2], accuracy: 1e-6)
      XCTAssertEqual(g[i, 2], n[i, 0] + n[i, 1], accuracy: 1e-6)
      XCTAssertEqual(g[i, 5], 0)
    }
    _ = e
  }

  func testTheMinedLossGradientMatchesFiniteDifferences() {
    let e = randomMatrix(rows: 4, columns: 8, seed: 8)
    let labels: [Int32] = [0, 0, 1, 1, 2, 2, 0, 1]
    let triplets = SemiHardTripletMining.triplets(embeddings: e, labels: labels, margin: 0.5, using: &rng)
    let (a, p, n) = (Matrix(rows: 0, columns: 0), Matrix(rows: 0, columns: 0), Matrix(rows: 0, columns: 0))
    let (ga, gp, gn) = (Matrix(rows: 0, columns: 0), Matrix(rows: 0, columns: 0), Matrix(rows: 0, columns: 0))
    // The triplets stay fixed: the loss is differentiable given them (the
    // seed keeps every hinge away from its kink, where differences disagree).
    func loss() -> Double {
      SemiHardTripletMining.gather(triplets, from: e, anchor: a, positive: p, negative: n)
      return Double(TripletMarginLoss(margin: 0.5)(anchor: a, positive: p, negative: n, anchorGradient: ga, positiveGradient: gp, negativeGradient: gn))
    }
    _ = loss()
    let g = Matrix(rows: 4, columns: 8)
    SemiHardTripletMining.scatterGradients(triplets, anchor: ga, positive: gp, negative: gn, into: g)
    // Absolute 2e-3 at a step of 1e-3 (the loss is a Float mean over triplets).
    checkMatrixGradient(e, analytic: g, loss: loss, step: 1e-3, tolerance: 2e-3, what: "∂embedding")
  }
}
