import XCTest
@testable import Sprig

/// `count` random bipolar patterns of `size` values.
func randomBipolarPatterns(_ count: Int, size: Int, seed: UInt64) -> [[Float]] {
  var g = SeededGenerator(seed: seed)
  return (0..<count).map { _ in (0..<size).map { _ in g.nextInt(below: 2) == 0 ? -1 : 1 } }
}

/// `pattern` with `flips` distinct positions negated.
func flipping(_ pattern: [Float], _ flips: Int, using g: inout SeededGenerator) -> [Float] {
  var p = pattern
  var positions = Array(p.indices)
  positions.shuffle(using: &g)
  for i in positions.prefix(flips) { p[i] = -p[i] }
  return p
}

final class HopfieldNetworkTests: XCTestCase {
  func testHopfieldWeightsAreSymmetricWithZeroDiagonal() {
    let net = HopfieldNetwork(patterns: randomBipolarPatterns(4, size: 30, seed: 1))
    for i in 0..<30 {
      XCTAssertEqual(net.weights[i * 30 + i], 0)
      for j in 0..<30 { XCTAssertEqual(net.weights[i * 30 + j], net.weights[j * 30 + i]) }
    }
  }

  func testHopfieldStoredPatternsAreFixedPoints() {
    let patterns = randomBipolarPatterns(5, size: 100, seed: 2)
    let net = HopfieldNetwork(patterns: patterns)
    var g = SeededGenerator(seed: 3)
    for p in patterns {
      XCTAssertEqual(net.synchronousStep(p), p)
      let recall = net.recall(p, rule: .asynchronous, using: &g)
      XCTAssertEqual(recall.state, p)
      XCTAssertEqual(recall.steps, 1)
    }
  }

  func testHopfieldEnergyNeverIncreasesUnderAsynchronousUpdates() {
    let net = HopfieldNetwork(patterns: randomBipolarPatterns(8, size: 64, seed: 4))
    var g = SeededGenerator(seed: 5)
    for probe in randomBipolarPatterns(10, size: 64, seed: 6) {
      var state = probe
      var energy = net.energy(state)
      for _ in 0..<4 {
        for i in (0..<64).shuffled(using: &g) {
          net.update(unit: i, of: &state)
          let next = net.energy(state)
          XCTAssertLessThanOrEqual(next, energy + 1e-9)
          energy = next
        }
      }
    }
  }

  func testHopfieldAsynchronousRecallRemovesNoiseFromAStoredPattern() {
    let patterns = randomBipolarPatterns(5, size: 200, seed: 7)
    let net = HopfieldNetwork(patterns: patterns)
    var g = SeededGenerator(seed: 8)
    let recall = net.recall(flipping(patterns[2], 30, using: &g), rule: .asynchronous, using: &g)
    XCTAssertTrue(recall.converged)
    XCTAssertEqual(recall.state, patterns[2])
  }

  func testHopfieldSynchronousRecallRemovesNoiseFromAStoredPattern() {
    let patterns = randomBipolarPatterns(5, size: 200, seed: 9)
    let net = HopfieldNetwork(patterns: patterns)
    var g = SeededGenerator(seed: 10)
    let recall = net.recall(flipping(patterns[0], 30, using: &g), rule: .synchronous, using: &g)
    XCTAssertEqual(recall.state, patterns[0])
  }

  func testHopfieldRecallDegradesAsPatternCountApproachesCapacity() {
    // N = 200: capacity ≈ 0.14·N = 28 patterns. Recall from 5 % noise.
    let n = 200
    var rates: [Double] = []
    for count in [6, 14, 28, 50] {
      let patterns = randomBipolarPatterns(count, size: n, seed: UInt64(100 + count))
      let net = HopfieldNetwork(patterns: patterns)
      var g = SeededGenerator(seed: 11)
      let recalled = patterns.filter { p in net.recall(flipping(p, n / 20, using: &g), using: &g).state == p }.count
      rates.append(Double(recalled) / Double(count))
    }
    XCTAssertEqual(rates[0], 1, "well below capacity every pattern is recalled: \(rates)")
    XCTAssertLessThan(rates[2], rates[0], "near 0.14·N recall is no longer perfect: \(rates)")
    XCTAssertLessThan(rates[3], 0.2, "past capacity recall collapses: \(rates)")
  }
}
