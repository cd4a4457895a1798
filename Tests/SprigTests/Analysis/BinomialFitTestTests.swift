import XCTest

@testable import Sprig

final class BinomialFitTestTests: XCTestCase {
  func testChiSquaredBinsAndPValueMatchScipyOnEveryFixture() throws {
    for name in AnalysisFixtures.sequenceNames {
      let s = try AnalysisFixtures.sequence(name)
      let ref = s.binomial
      let test = try XCTUnwrap(
        BinomialFitTest(degrees: s.degrees, model: BinomialModel(trials: ref.trials, probability: ref.probability)))
      XCTAssertEqual(test.bins.map { [$0.lower, $0.upper] }, ref.bins, name)
      XCTAssertEqual(test.bins.map(\.observed), ref.observed, name)
      XCTAssertEqual(test.degreesOfFreedom, ref.dof, name)
      XCTAssertEqual(test.chiSquared, ref.chi2, accuracy: 1e-9 * ref.chi2, name)
      XCTAssertEqual(test.pValue, ref.p_value, accuracy: 1e-9 * ref.p_value + 1e-300, name)
      XCTAssertEqual(test.ksDistance, ref.ks_distance, accuracy: 1e-12, name)
    }
  }

  func testEveryPooledBinExpectsAtLeastFive() throws {
    let s = try AnalysisFixtures.sequence("trained_like")
    let test = try XCTUnwrap(BinomialFitTest(degrees: s.degrees, model: BinomialModel(trials: 784, probability: 0.03)))
    XCTAssertTrue(test.bins.allSatisfy { $0.expected >= 5 })
    XCTAssertEqual(test.bins.map(\.observed).reduce(0, +), s.degrees.count)
  }

  func testPValueIsHighForATrueBinomialSample() throws {
    let s = try AnalysisFixtures.sequence("binomial")
    let test = try XCTUnwrap(BinomialFitTest(degrees: s.degrees, model: BinomialModel(trials: 1000, probability: 0.04)))
    XCTAssertGreaterThan(test.pValue, 0.1)
  }

  func testPValueIsTinyForAPowerLawSample() throws {
    let s = try AnalysisFixtures.sequence("power_law")
    let mean = Double(s.degrees.reduce(0, +)) / Double(s.degrees.count)
    let test = try XCTUnwrap(
      BinomialFitTest(degrees: s.degrees, model: BinomialModel(trials: 1000, probability: mean / 1000)))
    XCTAssertLessThan(test.pValue, 1e-10)
  }

  func testInDegreesOfAnErdosRenyiLayerPassTheirNull() throws {
    var rng = SeededGenerator(seed: 7)
    let pattern = ErdosRenyiTopology.pattern(inputSize: 784, outputSize: 1000, epsilon: 20, using: &rng)
    let test = try XCTUnwrap(BinomialFitTest(degrees: pattern.rowDegrees, model: .inDegreeNull(of: pattern)))
    XCTAssertGreaterThan(test.pValue, 0.01)
  }

  func testTooFewDegreesGiveNoTest() {
    XCTAssertNil(BinomialFitTest(degrees: [3, 4, 5], model: BinomialModel(trials: 10, probability: 0.4)))
  }
}
