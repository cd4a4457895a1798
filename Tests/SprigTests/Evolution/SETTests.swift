import XCTest
@testable import Sprig

final class SETTests: XCTestCase {
  func makeLayer(seed: UInt64 = 1) -> SparseLinear {
    var g = SeededGenerator(seed: seed)
    return SparseLinear(inputSize: 200, outputSize: 150, epsilon: 10, using: &g)
  }

  func testConnectionCountIsPreserved() {
    let layer = makeLayer()
    let before = layer.connectionCount
    var g = SeededGenerator(seed: 2)
    let report = SETEvolution(zeta: 0.3).rewire(layer, using: &g)
    XCTAssertEqual(layer.connectionCount, before)
    XCTAssertEqual(report.removed, report.added)
    XCTAssertGreaterThan(report.removed, 0)
  }

  func testPatternStaysSortedUniqueAndInRange() {
    let layer = makeLayer()
    var g = SeededGenerator(seed: 3)
    for _ in 0..<5 { _ = SETEvolution(zeta: 0.5).rewire(layer, using: &g) }
    XCTAssertNoThrow(try layer.pattern.validate())
  }

  func testRemovesExactlyTheSmallestPositiveAndNegativeClosestToZero() {
    let values: [Float] = [0.5, -0.1, 0.2, -0.9, 0.05, -0.3, 0.7, -0.05, 0.3, -0.6]
    // positives 0.5 0.2 0.05 0.7 0.3 → ⌊0.4·5⌋ = 2 removed: 0.05 (4), 0.2 (2)
    // negatives −0.1 −0.9 −0.3 −0.05 −0.6 → 2 removed: −0.05 (7), −0.1 (1)
    XCTAssertEqual(Set(SETEvolution(zeta: 0.4).positionsToRemove(values)), [4, 2, 7, 1])
  }

  func testTiesAtTheThresholdAreRemovedInPositionOrder() {
    let values: [Float] = [0.1, 0.1, 0.1, 0.5, -0.2, -0.2]
    // ⌊0.5·4⌋ = 2 positives: two of the three 0.1s, the first two; ⌊0.5·2⌋ = 1 negative: the first −0.2.
    XCTAssertEqual(SETEvolution(zeta: 0.5).positionsToRemove(values), [0, 1, 4])
  }

  func testQuickselectFindsOrderStatistics() {
    var g = SeededGenerator(seed: 12)
    let values = (0..<501).map { _ in g.nextNormal() }
    let sorted = values.sorted()
    for k in [0, 1, 250, 499, 500] {
      var copy = values
      XCTAssertEqual(SETEvolution.select(&copy, k), sorted[k])
    }
  }

  func testSurvivorsKeepTheirWeightsAndOptimizerState() {
    let layer = makeLayer()
    layer.weight.optimizerState = [layer.weight.value.map { $0 * 10 }]  // state tagged by weight
    let old = layer.weights
    var g = SeededGenerator(seed: 4)
    let set = SETEvolution(zeta: 0.3)
    let removed = Set(set.positionsToRemove(old.values))
    _ = set.rewire(layer, using: &g)
    var survivors = 0, fresh = 0
    for i in 0..<old.rows {
      for k in Int(layer.pattern.rowPointers[i])..<Int(layer.pattern.rowPointers[i + 1]) {
        let c = Int(layer.pattern.columnIndices[k])
        if let o = old.pattern.position(row: i, column: c), !removed.contains(o) {
          XCTAssertEqual(layer.weight.value[k], old.values[o])
          XCTAssertEqual(layer.weight.optimizerState[0][k], old.values[o] * 10)
          survivors += 1
        } else {
          XCTAssertEqual(layer.weight.optimizerState[0][k], 0, "a regrown connection starts with zero state")
          fresh += 1
        }
      }
    }
    XCTAssertEqual(survivors, old.nonzeroCount - removed.count)
    XCTAssertEqual(survivors + fresh, old.nonzeroCount)
  }

  func testNothingRegrowsOnASurvivingConnection() {
    let layer = makeLayer()
    let old = layer.pattern
    let removed = Set(SETEvolution(zeta: 0.3).positionsToRemove(layer.weight.value))
    var g = SeededGenerator(seed: 5)
    _ = SETEvolution(zeta: 0.3).rewire(layer, using: &g)
    // Every old survivor is still there exactly once (validate() proved uniqueness).
    for i in 0..<old.rows {
      for k in Int(old.rowPointers[i])..<Int(old.rowPointers[i + 1]) where !removed.contains(k) {
        XCTAssertTrue(layer.pattern.contains(row: i, column: Int(old.columnIndices[k])))
      }
    }
  }

  func testNearlyFullLayerStillRewiresExactly() throws {
    var g = SeededGenerator(seed: 6)
    let layer = SparseLinear(pattern: ErdosRenyiTopology.pattern(inputSize: 10, outputSize: 10, density: 0.9, using: &g), using: &g)
    let before = layer.connectionCount
    _ = SETEvolution(zeta: 0.3).rewire(layer, using: &g)
    XCTAssertEqual(layer.connectionCount, before)
    try layer.pattern.validate()
  }

  func testSameSeedGivesSameTopology() {
    let a = makeLayer(seed: 8), b = makeLayer(seed: 8)
    var ga = SeededGenerator(seed: 9), gb = SeededGenerator(seed: 9)
    _ = SETEvolution().rewire(a, using: &ga)
    _ = SETEvolution().rewire(b, using: &gb)
    XCTAssertEqual(a.pattern, b.pattern)
    XCTAssertEqual(a.weight.value, b.weight.value)
  }
}
