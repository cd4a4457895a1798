import XCTest
@testable import Sprig

final class ErdosRenyiTopologyTests: XCTestCase {
  func testDensityFollowsEpsilonFormula() {
    XCTAssertEqual(ErdosRenyiTopology.density(epsilon: 20, inputSize: 784, outputSize: 1000), 20.0 * 1784 / 784_000, accuracy: 1e-12)
    XCTAssertEqual(ErdosRenyiTopology.density(epsilon: 20, inputSize: 1000, outputSize: 10), 1)
  }

  func testConnectionCountAndDegreeVarianceAreBinomial() throws {
    var g = SeededGenerator(seed: 5)
    let (nIn, nOut, p) = (1000, 2000, 0.04)
    let pattern = ErdosRenyiTopology.pattern(inputSize: nIn, outputSize: nOut, density: p, using: &g)
    try pattern.validate()
    let degrees = pattern.rowDegrees.map(Double.init)
    let mean = degrees.reduce(0, +) / Double(nOut)
    let variance = degrees.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(nOut - 1)
    XCTAssertEqual(mean, Double(nIn) * p, accuracy: 0.5)  // 40 ± 0.14 standard errors
    XCTAssertEqual(variance, Double(nIn) * p * (1 - p), accuracy: 4)  // 38.4
  }

  func testSameSeedGivesSamePattern() {
    var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
    XCTAssertEqual(
      ErdosRenyiTopology.pattern(inputSize: 300, outputSize: 200, epsilon: 10, using: &a),
      ErdosRenyiTopology.pattern(inputSize: 300, outputSize: 200, epsilon: 10, using: &b))
  }
}
