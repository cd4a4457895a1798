import XCTest

@testable import Sprig

/// The semi-parametric bootstrap with a fixed seed and 50 resamples on
/// the first 1000 degrees of each fixture (debug-build time: a few seconds).
final class PowerLawBootstrapTests: XCTestCase {
  func testPValueIsHighForATruePowerLawSample() throws {
    let s = try AnalysisFixtures.sequence("power_law")
    let fit = try XCTUnwrap(PowerLawFit.fit(Array(s.degrees.prefix(1000))))
    var rng = SeededGenerator(seed: 2024)
    let b = fit.bootstrapPValue(resamples: 50, using: &rng)
    XCTAssertEqual(b.failedFits, 0)
    XCTAssertGreaterThan(b.pValue, 0.1)
  }

  func testPValueIsBelowOneTenthForABinomialSample() throws {
    let s = try AnalysisFixtures.sequence("binomial")
    let fit = try XCTUnwrap(PowerLawFit.fit(Array(s.degrees.prefix(1000))))
    var rng = SeededGenerator(seed: 2024)
    let b = fit.bootstrapPValue(resamples: 50, using: &rng)
    XCTAssertLessThan(b.pValue, 0.1)
  }

  func testSameSeedGivesSameResult() throws {
    let s = try AnalysisFixtures.sequence("trained_like")
    let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees))
    var a = SeededGenerator(seed: 5)
    var b = SeededGenerator(seed: 5)
    XCTAssertEqual(fit.bootstrapPValue(resamples: 8, using: &a), fit.bootstrapPValue(resamples: 8, using: &b))
  }
}
