import XCTest
@testable import Sprig

final class DistanceBiasedSETEvolutionTests: XCTestCase {
  func ringDistance(_ row: Int, _ column: Int, _ nIn: Int, _ nOut: Int) -> Int {
    let d = abs(column - SmallWorldTopology.homePosition(ofOutput: row, inputSize: nIn, outputSize: nOut))
    return min(d, nIn - d)
  }

  func testConnectionCountIsPreservedAndNothingDuplicates() throws {
    var g = SeededGenerator(seed: 1)
    let layer = SparseLinear(inputSize: 400, outputSize: 300, epsilon: 10, using: &g)
    let before = layer.connectionCount
    for _ in 0..<5 {
      let report = DistanceBiasedSETEvolution(zeta: 0.3, lengthScale: 0.02).rewire(layer, using: &g)
      XCTAssertEqual(report.removed, report.added)
      XCTAssertEqual(layer.connectionCount, before)
      try layer.pattern.validate()
    }
  }

  func testNewConnectionsLieNearTheirUnitsHome() {
    var g = SeededGenerator(seed: 2)
    let (nIn, nOut) = (1000, 500)
    let layer = SparseLinear(inputSize: nIn, outputSize: nOut, epsilon: 10, using: &g)
    let before = TopologyStatistics.keys(layer.pattern)
    _ = DistanceBiasedSETEvolution(zeta: 0.5, lengthScale: 0.01).rewire(layer, using: &g)  // λ = 10 inputs
    let grown = TopologyStatistics.keys(layer.pattern).subtracting(before)
    let distances = grown.map { ringDistance($0 / nIn, $0 % nIn, nIn, nOut) }
    let mean = Double(distances.reduce(0, +)) / Double(distances.count)
    // exp(−d/10) on the ring: mean distance ≈ 10 (uniform would give 250).
    XCTAssertEqual(mean, 10, accuracy: 1.5)
    XCTAssertLessThanOrEqual(distances.max()!, 140)  // the 14λ cutoff
  }

  func testSamplerFollowsTheExponentialWeights() {
    let d = DistanceBiasedRegrowth(inputSize: 101, outputSize: 1, lengthScale: 3)
    var g = SeededGenerator(seed: 3)
    var counts = [Int](repeating: 0, count: 101)
    let draws = 300_000
    for _ in 0..<draws { counts[d.sample(using: &g).column] += 1 }
    let total = (0..<101).filter { d.contains(row: 0, column: $0) }.reduce(0.0) { $0 + d.weight(row: 0, column: $1) }
    for column in [0, 1, 3, 100, 98] {  // home 0; 100 and 98 are offsets −1 and −3
      let expected = Double(draws) * d.weight(row: 0, column: column) / total
      XCTAssertEqual(Double(counts[column]), expected, accuracy: 5 * expected.squareRoot(), "column \(column)")
    }
  }

  func testNearlyFullSupportFallsBackToExactSampling() throws {
    // λ tiny: the support is ±1 around home, 3 positions a row, all held
    // but the removed ones — rejection would stall; the exact path finishes.
    var g = SeededGenerator(seed: 4)
    let pattern = SmallWorldTopology.pattern(inputSize: 50, outputSize: 50, neighbours: 3, rewiringProbability: 0, using: &g)
    let layer = SparseLinear(pattern: pattern, using: &g)
    let report = DistanceBiasedSETEvolution(zeta: 0.5, lengthScale: 0.001).rewire(layer, using: &g)
    XCTAssertEqual(report.added, report.removed)
    XCTAssertEqual(layer.pattern, pattern, "the only free support positions are the removed ones")
  }
}
