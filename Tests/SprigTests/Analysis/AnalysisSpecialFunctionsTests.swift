import XCTest

@testable import Sprig

final class AnalysisSpecialFunctionsTests: XCTestCase {
  func testHurwitzZetaOfTwoAtOneIsPiSquaredOverSix() {
    XCTAssertEqual(SpecialFunctions.hurwitzZeta(2, 1), Double.pi * Double.pi / 6, accuracy: 1e-14)
  }

  func testHurwitzZetaOfThreeAtOneIsAperysConstant() {
    XCTAssertEqual(SpecialFunctions.hurwitzZeta(3, 1), 1.2020569031595942, accuracy: 1e-14)
  }

  func testHurwitzZetaOfTwoAtTwoDropsTheFirstTerm() {
    XCTAssertEqual(SpecialFunctions.hurwitzZeta(2, 2), Double.pi * Double.pi / 6 - 1, accuracy: 1e-14)
  }

  func testHurwitzZetaMatchesScipyToTenDigits() throws {
    let f = try AnalysisFixtures.load("special_functions.json", as: AnalysisFixtures.SpecialFunctions.self)
    for z in f.hurwitz_zeta {
      let value = SpecialFunctions.hurwitzZeta(z.s, z.a)
      XCTAssertEqual(value, z.value, accuracy: 1e-10 * z.value, "ζ(\(z.s), \(z.a))")
    }
  }

  func testRegularizedUpperGammaMatchesScipy() throws {
    let f = try AnalysisFixtures.load("special_functions.json", as: AnalysisFixtures.SpecialFunctions.self)
    for g in f.gamma_q {
      let value = SpecialFunctions.regularizedUpperGamma(g.a, g.x)
      XCTAssertEqual(value, g.value, accuracy: 1e-12 * max(g.value, 1e-300) + 1e-15, "Q(\(g.a), \(g.x))")
    }
  }

  func testChiSquaredSurvivalMatchesScipyIncludingFarTail() throws {
    let f = try AnalysisFixtures.load("special_functions.json", as: AnalysisFixtures.SpecialFunctions.self)
    for c in f.chi2_sf {
      let value = SpecialFunctions.chiSquaredSurvival(c.x, degreesOfFreedom: c.dof)
      XCTAssertEqual(value, c.value, accuracy: 1e-10 * c.value + 1e-15, "P(χ²_\(c.dof) > \(c.x))")
    }
  }

  func testChiSquaredSurvivalOfZeroIsOne() {
    XCTAssertEqual(SpecialFunctions.chiSquaredSurvival(0, degreesOfFreedom: 3), 1)
  }
}
