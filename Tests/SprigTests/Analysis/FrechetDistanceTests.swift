import XCTest
@testable import Sprig

/// The Fréchet distance against closed forms.
final class FrechetDistanceTests: XCTestCase {
  func testIdenticalSetsAreAtDistanceZero() {
    let a = randomMatrix(rows: 5, columns: 40, seed: 1)
    XCTAssertEqual(FrechetDistance.squared(a, a), 0, accuracy: 1e-9)
  }

  func testOneDimensionIsTheDifferenceOfMeansAndOfStandardDeviations() {
    let a = randomMatrix(rows: 1, columns: 50, seed: 2), b = randomMatrix(rows: 1, columns: 60, in: 0...3, seed: 3)
    let (sa, sb) = (GaussianStatistics(a), GaussianStatistics(b))
    let expected = pow(sa.mean[0] - sb.mean[0], 2) + pow(sa.covariance[0].squareRoot() - sb.covariance[0].squareRoot(), 2)
    XCTAssertEqual(FrechetDistance.squared(a, b), expected, accuracy: 1e-9)
  }

  func testDiagonalCovariancesSumPerDimension() {
    let a = GaussianStatistics(mean: [0, 1, 2], covariance: [1, 0, 0, 0, 4, 0, 0, 0, 9])
    let b = GaussianStatistics(mean: [1, 1, 0], covariance: [4, 0, 0, 0, 1, 0, 0, 0, 0.25])
    let expected = (1.0 + 0 + 4) + (1.0 + 1 + 6.25)  // Σ Δμ² + Σ (√σ₁ − √σ₂)²
    XCTAssertEqual(FrechetDistance.squared(a, b), expected, accuracy: 1e-9)
  }

  func testNonDiagonalPairMatchesTheTwoByTwoClosedForm() {
    let c1: [Double] = [2, 0.5, 0.5, 1], c2: [Double] = [1, -0.3, -0.3, 3]
    // √M for 2×2 PSD M: (M + √det·I) / √(tr + 2√det).
    func root(_ m: [Double]) -> [Double] {
      let s = (m[0] * m[3] - m[1] * m[2]).squareRoot(), t = (m[0] + m[3] + 2 * s).squareRoot()
      return [(m[0] + s) / t, m[1] / t, m[2] / t, (m[3] + s) / t]
    }
    func mul(_ x: [Double], _ y: [Double]) -> [Double] {
      [x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3], x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3]]
    }
    let r1 = root(c1)
    let cross = root(mul(mul(r1, c2), r1))
    let expected = 1.0 + (c1[0] + c1[3]) + (c2[0] + c2[3]) - 2 * (cross[0] + cross[3])  // Δμ = (1, 0)
    let d = FrechetDistance.squared(
      GaussianStatistics(mean: [1, 0], covariance: c1), GaussianStatistics(mean: [0, 0], covariance: c2))
    XCTAssertEqual(d, expected, accuracy: 1e-9)
  }

  func testIsSymmetricAndAShiftAddsItsSquaredLength() {
    let a = randomMatrix(rows: 4, columns: 30, seed: 4), b = randomMatrix(rows: 4, columns: 30, in: -2...1, seed: 5)
    XCTAssertEqual(FrechetDistance.squared(a, b), FrechetDistance.squared(b, a), accuracy: 1e-9)
    let shifted = a.copy()
    let c: [Float] = [1, -2, 0.5, 0]
    for i in 0..<4 { for j in 0..<30 { shifted[i, j] += c[i] } }
    XCTAssertEqual(FrechetDistance.squared(a, shifted), 5.25, accuracy: 1e-6)
  }

  func testSamplesOfTwoGaussiansApproachTheirDistance() {
    var rng = SeededGenerator(seed: 6)
    let n = 20_000
    let a = Matrix(rows: 2, columns: n), b = Matrix(rows: 2, columns: n)
    for j in 0..<n {
      a[0, j] = rng.nextNormal(); a[1, j] = 2 * rng.nextNormal()
      b[0, j] = 1 + 3 * rng.nextNormal(); b[1, j] = rng.nextNormal()
    }
    // (0−1)² + (1−3)² + (2−1)² = 6.
    XCTAssertEqual(FrechetDistance.squared(a, b), 6, accuracy: 0.15)
  }
}
