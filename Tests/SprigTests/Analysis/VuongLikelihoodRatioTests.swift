import XCTest

@testable import Sprig

/// Likelihood ratios against `powerlaw`'s `distribution_compare(...,
/// normalized_ratio=True)`. Tolerances: raw R within 1e−3·max(1, |R|); the
/// normalised ratio within 1 % (its σ moves at first order with the
/// alternative's parameters, which `powerlaw` fits only to 1e−4); p within
/// 0.005 absolute, or within half a decade when p < 1e−10.
final class VuongLikelihoodRatioTests: XCTestCase {
  func testRatiosAndPValuesMatchPowerlawPackage() throws {
    for name in AnalysisFixtures.sequenceNames {
      let s = try AnalysisFixtures.sequence(name)
      let ref = try XCTUnwrap(s.power_law)
      let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees))
      for alternative in LikelihoodRatioTest.Alternative.allCases {
        let expected = alternative == .exponential ? ref.exponential : ref.lognormal
        let test = try XCTUnwrap(LikelihoodRatioTest.compare(fit, with: alternative))
        let label = "\(name) vs \(alternative)"
        XCTAssertEqual(test.logLikelihoodRatio, expected.R, accuracy: 1e-3 * max(1, abs(expected.R)), label)
        XCTAssertEqual(
          test.normalizedRatio, expected.normalized_R, accuracy: 0.01 * max(1, abs(expected.normalized_R)), label)
        if expected.p < 1e-10 {
          XCTAssertEqual(log10(test.pValue), log10(expected.p), accuracy: 0.5, label)
        } else {
          XCTAssertEqual(test.pValue, expected.p, accuracy: 0.005, label)
        }
      }
    }
  }

  func testExponentialRateIsTheClosedFormMaximumLikelihood() throws {
    let values = [4, 4, 5, 7, 9, 12]
    let e = try XCTUnwrap(DiscreteExponential.fit(values, minimum: 4))
    func logLikelihood(_ rate: Double) -> Double {
      values.reduce(0) { $0 + DiscreteExponential(rate: rate, minimum: 4).logProbability($1) }
    }
    XCTAssertGreaterThan(logLikelihood(e.rate), logLikelihood(e.rate * 1.001))
    XCTAssertGreaterThan(logLikelihood(e.rate), logLikelihood(e.rate * 0.999))
  }

  func testLognormalProbabilitiesSumToOne() {
    let l = DiscreteLognormal(mu: 2, sigma: 0.7, minimum: 3)
    let total = (3..<100_000).reduce(0.0) { $0 + exp(l.logProbability($1)) }
    XCTAssertEqual(total, 1, accuracy: 1e-9)
  }

  func testVuongOfIdenticalLikelihoodsIsInconclusive() {
    let (r, normalized, p) = LikelihoodRatioTest.vuong([-1, -2, -3], [-1, -2, -3])
    XCTAssertEqual(r, 0)
    XCTAssertEqual(normalized, 0)
    XCTAssertEqual(p, 1)
  }

  func testExponentialIsFavouredOverThePowerLawForBinomialDegrees() throws {
    let s = try AnalysisFixtures.sequence("binomial")
    let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees))
    XCTAssertEqual(LikelihoodRatioTest.compare(fit, with: .exponential)?.preference, .alternative)
  }
}
