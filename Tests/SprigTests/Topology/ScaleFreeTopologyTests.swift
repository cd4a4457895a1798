import XCTest
@testable import Sprig

final class ScaleFreeTopologyTests: XCTestCase {
  // 3·10⁵ connections on 3·10⁴ scale-free units: mean degree 10, the tail
  // from 20 holds thousands of units, enough for a ±0.2 exponent check.
  func makePattern(gamma: Double, side: ScaleFreeTopology.Side, seed: UInt64 = 1) -> SparsityPattern {
    var g = SeededGenerator(seed: seed)
    return ScaleFreeTopology.pattern(
      inputSize: 30_000, outputSize: 30_000, connections: 300_000, exponent: gamma, side: side, using: &g)
  }

  func testInputDegreesFollowThePowerLawExponent() throws {
    for gamma in [2.2, 2.5, 3.0] {
      let p = makePattern(gamma: gamma, side: .inputs)
      let fit = TopologyStatistics.powerLawExponent(p.columnDegrees, minimum: 20)
      XCTAssertGreaterThan(fit.tail, 500)
      XCTAssertEqual(fit.exponent, gamma, accuracy: 0.2, "γ = \(gamma)")
    }
  }

  func testOutputDegreesFollowThePowerLawExponent() throws {
    for gamma in [2.2, 2.5, 3.0] {
      let p = makePattern(gamma: gamma, side: .outputs)
      let fit = TopologyStatistics.powerLawExponent(p.rowDegrees, minimum: 20)
      XCTAssertGreaterThan(fit.tail, 500)
      XCTAssertEqual(fit.exponent, gamma, accuracy: 0.2, "γ = \(gamma)")
    }
  }

  func testBothSidesAreScaleFreeWhenAsked() {
    let p = makePattern(gamma: 2.5, side: .both)
    XCTAssertEqual(TopologyStatistics.powerLawExponent(p.rowDegrees, minimum: 20).exponent, 2.5, accuracy: 0.2)
    XCTAssertEqual(TopologyStatistics.powerLawExponent(p.columnDegrees, minimum: 20).exponent, 2.5, accuracy: 0.2)
  }

  func testTheOtherSideHasNearlyEqualDegrees() {
    let rows = makePattern(gamma: 2.5, side: .inputs).rowDegrees
    XCTAssertEqual(rows.min(), 10)
    XCTAssertEqual(rows.max(), 10)
  }

  func testConnectionCountIsTheTarget() {
    for side in ScaleFreeTopology.Side.allCases {
      XCTAssertEqual(Double(makePattern(gamma: 2.5, side: side).nonzeroCount), 300_000, accuracy: 1, "\(side)")
    }
  }

  func testPatternIsSortedAndDuplicateFree() throws {
    for side in ScaleFreeTopology.Side.allCases { try makePattern(gamma: 2.2, side: side).validate() }
  }

  func testHubDegreesAreCappedAtTheOtherSideAndTheTotalRedistributed() throws {
    // 50 inputs, 20 outputs, 600 of 1000 positions: the largest hubs would
    // exceed 20 outputs; they are capped and the rest scaled up.
    var g = SeededGenerator(seed: 3)
    let p = ScaleFreeTopology.pattern(inputSize: 50, outputSize: 20, connections: 600, exponent: 2.1, side: .inputs, using: &g)
    try p.validate()
    XCTAssertLessThanOrEqual(p.columnDegrees.max()!, 20)
    XCTAssertEqual(p.nonzeroCount, 600)
  }

  func testEpsilonGivesSETConnectionCount() {
    var g = SeededGenerator(seed: 4)
    let p = ScaleFreeTopology.pattern(inputSize: 784, outputSize: 1000, epsilon: 20, exponent: 2.5, side: .inputs, using: &g)
    XCTAssertEqual(Double(p.nonzeroCount), 20 * 1784, accuracy: 1)
  }

  func testSameSeedGivesSamePattern() {
    XCTAssertEqual(makePattern(gamma: 2.5, side: .both, seed: 7), makePattern(gamma: 2.5, side: .both, seed: 7))
    XCTAssertNotEqual(makePattern(gamma: 2.5, side: .both, seed: 7), makePattern(gamma: 2.5, side: .both, seed: 8))
  }
}
