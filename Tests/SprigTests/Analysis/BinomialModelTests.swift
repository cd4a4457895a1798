import XCTest

@testable import Sprig

final class BinomialModelTests: XCTestCase {
  func testLogProbabilityCdfAndSurvivalMatchScipyUpToAMillionTrials() throws {
    let f = try AnalysisFixtures.load("special_functions.json", as: AnalysisFixtures.SpecialFunctions.self)
    for b in f.binomial {
      let model = BinomialModel(trials: b.n, probability: b.p)
      let label = "Binomial(\(b.n), \(b.p)) at \(b.k)"
      XCTAssertEqual(model.logProbability(b.k), b.logpmf, accuracy: 1e-12 * max(1, abs(b.logpmf)), label)
      XCTAssertEqual(model.cumulativeProbability(b.k), b.cdf, accuracy: 1e-11 * b.cdf + 1e-15, label)
      XCTAssertEqual(model.survivalProbability(b.k), b.sf, accuracy: 1e-11 * b.sf + 1e-15, label)
    }
  }

  func testProbabilitiesSumToOne() {
    let model = BinomialModel(trials: 784, probability: 0.03)
    let total = (0...784).reduce(0.0) { $0 + model.probability($1) }
    XCTAssertEqual(total, 1, accuracy: 1e-13)
  }

  func testNullsOfAPatternUseItsSizesAndDensity() throws {
    let pattern = try SparsityPattern(rows: 2, columns: 4, entries: [(0, 1), (0, 3), (1, 0)])
    XCTAssertEqual(BinomialModel.inDegreeNull(of: pattern), BinomialModel(trials: 4, probability: 3.0 / 8))
    XCTAssertEqual(BinomialModel.outDegreeNull(of: pattern), BinomialModel(trials: 2, probability: 3.0 / 8))
  }
}
