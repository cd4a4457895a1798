import XCTest

@testable import Sprig

final class ScaleFreeVerdictTests: XCTestCase {
  /// A fit and comparisons with a bootstrap p-value set by hand.
  private func verdict(_ name: String, pValue: Double) throws -> ScaleFreeVerdict {
    let s = try AnalysisFixtures.sequence(name)
    let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees))
    let comparisons = LikelihoodRatioTest.Alternative.allCases.compactMap { LikelihoodRatioTest.compare(fit, with: $0) }
    let bootstrap = PowerLawFit.Bootstrap(pValue: pValue, resamples: 100, failedFits: 0, distances: [])
    return ScaleFreeVerdict(fit: fit, bootstrap: bootstrap, comparisons: comparisons)
  }

  func testPlausiblePowerLawWithAlphaBetweenTwoAndThreeIsStrong() throws {
    let v = try verdict("power_law", pValue: 0.5)
    XCTAssertEqual(v.category, .strong)
    XCTAssertFalse(v.isTooShortForClaim)
  }

  func testRejectedPowerLawWithFavouredAlternativesIsNotScaleFree() throws {
    let v = try verdict("binomial", pValue: 0)
    XCTAssertEqual(v.category, .notScaleFree)
  }

  func testRejectedPowerLawWithNoAlternativeFavouredIsSuperWeak() throws {
    let v = try verdict("power_law", pValue: 0.01)
    XCTAssertEqual(v.category, .superWeak)
  }

  func testPlausibleFitWithFavouredAlternativeIsWeak() throws {
    // Lognormal sample: the lognormal is favoured (p ≈ 0.006), n_tail = 759.
    let v = try verdict("lognormal", pValue: 0.3)
    XCTAssertEqual(v.category, .weak)
  }

  func testShortTailIsReportedAsTooShortForAnyClaim() throws {
    // Binomial degrees: the tail spans 34…62, under one decade.
    let v = try verdict("binomial", pValue: 0.5)
    XCTAssertTrue(v.isTooShortForClaim)
    XCTAssertTrue(v.summary.hasPrefix("No claim"))
  }

  func testZeroDegreeNeuronsAreReportedSeparately() throws {
    let v = try verdict("trained_like", pValue: 0.5)
    XCTAssertEqual(v.zeroDegreeCount, 20)
    XCTAssertTrue(v.reasons.contains { $0.contains("20 zero-degree neurons") })
  }

  func testNoFitIsNotScaleFreeAndTooShort() {
    var rng = SeededGenerator(seed: 1)
    let v = ScaleFreeVerdict.assess([0, 0, 3, 3, 3], resamples: 10, using: &rng)
    XCTAssertNil(v.fit)
    XCTAssertEqual(v.category, .notScaleFree)
    XCTAssertTrue(v.isTooShortForClaim)
    XCTAssertEqual(v.zeroDegreeCount, 2)
  }
}
