import XCTest
@testable import Sprig

final class SmallWorldTopologyTests: XCTestCase {
  func testZeroRewiringGivesThePureBandAroundEachHome() throws {
    var g = SeededGenerator(seed: 1)
    let (nIn, nOut, k) = (100, 37, 9)
    let p = SmallWorldTopology.pattern(inputSize: nIn, outputSize: nOut, neighbours: k, rewiringProbability: 0, using: &g)
    try p.validate()
    for i in 0..<nOut {
      let home = i * nIn / nOut
      let band = Set((0..<k).map { ((home - k / 2 + $0) % nIn + nIn) % nIn })
      XCTAssertEqual(Set(p.columns(ofRow: i).map(Int.init)), band, "unit \(i)")
    }
  }

  func testBandWrapsAroundTheRing() {
    var g = SeededGenerator(seed: 1)
    let p = SmallWorldTopology.pattern(inputSize: 10, outputSize: 10, neighbours: 4, rewiringProbability: 0, using: &g)
    XCTAssertEqual(Array(p.columns(ofRow: 0)), [0, 1, 8, 9])  // home 0, offsets −2...1
    XCTAssertEqual(Array(p.columns(ofRow: 9)), [0, 7, 8, 9])  // home 9, offsets −2...1
  }

  func testEveryUnitKeepsInDegreeK() throws {
    var g = SeededGenerator(seed: 2)
    let p = SmallWorldTopology.pattern(inputSize: 500, outputSize: 300, neighbours: 20, rewiringProbability: 0.3, using: &g)
    try p.validate()
    XCTAssertEqual(Set(p.rowDegrees), [20])
  }

  func testFullRewiringMatchesErdosRenyiDegreeVariance() throws {
    // β = 1: each unit's K inputs are random, so input out-degrees are
    // Binomial(n_out, K/n_in), as in an ER layer of the same density.
    var g = SeededGenerator(seed: 3)
    let (nIn, nOut, k) = (2000, 4000, 40)
    let p = SmallWorldTopology.pattern(inputSize: nIn, outputSize: nOut, neighbours: k, rewiringProbability: 1, using: &g)
    try p.validate()
    let q = Double(k) / Double(nIn)
    let (mean, variance) = TopologyStatistics.meanAndVariance(p.columnDegrees)
    XCTAssertEqual(mean, Double(nOut) * q, accuracy: 1e-9)
    XCTAssertEqual(variance, Double(nOut) * q * (1 - q), accuracy: 0.1 * Double(nOut) * q * (1 - q))  // 78.4 ± 10 %
    // The band alone gives near-equal out-degrees.
    var g0 = SeededGenerator(seed: 3)
    let band = SmallWorldTopology.pattern(inputSize: nIn, outputSize: nOut, neighbours: k, rewiringProbability: 0, using: &g0)
    XCTAssertLessThan(TopologyStatistics.meanAndVariance(band.columnDegrees).variance, 1)
  }

  func testRewiredFractionIsBeta() {
    var g = SeededGenerator(seed: 4)
    let (nIn, nOut, k, beta) = (1000, 1000, 20, 0.25)
    let rewired = SmallWorldTopology.pattern(inputSize: nIn, outputSize: nOut, neighbours: k, rewiringProbability: beta, using: &g)
    var g0 = SeededGenerator(seed: 4)
    let band = SmallWorldTopology.pattern(inputSize: nIn, outputSize: nOut, neighbours: k, rewiringProbability: 0, using: &g0)
    let moved = band.nonzeroCount - TopologyStatistics.keys(band).intersection(TopologyStatistics.keys(rewired)).count
    // A rewired connection lands back in the band with probability < K/n_in = 2 %.
    XCTAssertEqual(Double(moved) / Double(band.nonzeroCount), beta, accuracy: 0.02)
  }

  func testEpsilonSetsBandWidth() {
    var g = SeededGenerator(seed: 5)
    let p = SmallWorldTopology.pattern(inputSize: 784, outputSize: 1000, epsilon: 20, rewiringProbability: 0.1, using: &g)
    XCTAssertEqual(Set(p.rowDegrees), [36])  // round(20·1784/1000)
  }

  func testSameSeedGivesSamePattern() {
    var a = SeededGenerator(seed: 6), b = SeededGenerator(seed: 6)
    XCTAssertEqual(
      SmallWorldTopology.pattern(inputSize: 300, outputSize: 200, neighbours: 10, rewiringProbability: 0.5, using: &a),
      SmallWorldTopology.pattern(inputSize: 300, outputSize: 200, neighbours: 10, rewiringProbability: 0.5, using: &b))
  }
}
