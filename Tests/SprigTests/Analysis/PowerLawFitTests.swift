import XCTest

@testable import Sprig

/// Sprig's fit against the Python `powerlaw` package (fixtures from
/// scripts/analysis/make_fixtures.py). Tolerances: x_min exactly; α within
/// 1e−3 of `powerlaw` (whose Nelder–Mead stops at tol = 1e−4) and 1e−6 of
/// the tight scipy MLE; D within 1e−4 (it moves with α).
final class PowerLawFitTests: XCTestCase {
  func testMinimumMatchesPowerlawPackageExactly() throws {
    for name in AnalysisFixtures.sequenceNames {
      let s = try AnalysisFixtures.sequence(name)
      let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees), name)
      XCTAssertEqual(fit.minimum, s.power_law?.xmin, name)
    }
  }

  func testExponentMatchesPowerlawPackageToOneThousandth() throws {
    for name in AnalysisFixtures.sequenceNames {
      let s = try AnalysisFixtures.sequence(name)
      let ref = try XCTUnwrap(s.power_law)
      let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees), name)
      XCTAssertEqual(fit.exponent, ref.alpha, accuracy: 1e-3, name)
      XCTAssertEqual(fit.exponent, ref.alpha_exact, accuracy: 1e-6, name)
    }
  }

  func testStandardErrorKSDistanceTailCountAndLikelihoodMatchPowerlawPackage() throws {
    for name in AnalysisFixtures.sequenceNames {
      let s = try AnalysisFixtures.sequence(name)
      let ref = try XCTUnwrap(s.power_law)
      let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees), name)
      XCTAssertEqual(fit.tailCount, ref.n_tail, name)
      XCTAssertEqual(fit.standardError, ref.sigma, accuracy: 1e-5, name)
      XCTAssertEqual(fit.ksDistance, ref.D, accuracy: 1e-4, name)
      XCTAssertEqual(fit.logLikelihood, ref.loglikelihood, accuracy: 1e-6 * abs(ref.loglikelihood), name)
    }
  }

  func testCandidateSearchTriesTheSameMinimaAndAgreesWhichAreValid() throws {
    for name in AnalysisFixtures.sequenceNames {
      let s = try AnalysisFixtures.sequence(name)
      let ref = try XCTUnwrap(s.power_law).candidates
      let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees), name)
      XCTAssertEqual(fit.candidates.map(\.minimum), ref.xmins, name)
      XCTAssertEqual(fit.candidates.map(\.isValid), ref.valid, name)
      for (c, d) in zip(fit.candidates, ref.D) where c.isValid {
        XCTAssertEqual(c.ksDistance, d, accuracy: 1e-3, "\(name) x_min = \(c.minimum)")
      }
    }
  }

  func testZeroDegreesAreCountedAndLeftOutOfTheFit() throws {
    let s = try AnalysisFixtures.sequence("trained_like")
    let fit = try XCTUnwrap(PowerLawFit.fit(s.degrees))
    let zeros = s.degrees.filter { $0 == 0 }.count
    XCTAssertEqual(zeros, 20)
    XCTAssertEqual(fit.zeroDegreeCount, zeros)
    XCTAssertEqual(fit.positiveCount, s.degrees.count - zeros)
    XCTAssertEqual(PowerLawFit.fit(s.degrees.filter { $0 > 0 })?.exponent, fit.exponent)
  }

  func testSequencesWithoutACandidateGiveNoFit() {
    XCTAssertNil(PowerLawFit.fit([]))
    XCTAssertNil(PowerLawFit.fit([0, 0, 5, 5, 5]))
    XCTAssertNil(PowerLawFit.fit([1, 2, 3]))  // every tail shorter than 10
  }

  func testSamplerDrawsFollowTheLaw() {
    let law = DiscretePowerLaw(exponent: 2.5, minimum: 3)
    let sampler = law.sampler(tableSize: 64)  // small table: also exercises the draws beyond it
    var rng = SeededGenerator(seed: 11)
    let n = 200_000
    var atMinimum = 0
    var atLeast100 = 0
    for _ in 0..<n {
      let x = sampler.next(using: &rng)
      XCTAssertGreaterThanOrEqual(x, 3)
      if x == 3 { atMinimum += 1 }
      if x >= 100 { atLeast100 += 1 }
    }
    let p3 = exp(law.logProbability(3))
    let p100 = law.tailProbability(100)
    XCTAssertEqual(Double(atMinimum) / Double(n), p3, accuracy: 4 * (p3 * (1 - p3) / Double(n)).squareRoot())
    XCTAssertEqual(Double(atLeast100) / Double(n), p100, accuracy: 4 * (p100 / Double(n)).squareRoot())
  }
}
