import XCTest
@testable import Sprig

final class LocalSETEvolutionTests: XCTestCase {
  func makeLocal(seed: UInt64 = 1, density: Double = 0.4) throws -> (SparseLinear, LocalWindows) {
    var g = SeededGenerator(seed: seed)
    let r = try LocallyConnected2D.make(
      input: ImageShape(height: 12, width: 12, channels: 2), outputChannels: 3, kernelSize: 5, stride: 1, padding: 2,
      density: density, using: &g)
    return (r.layer, r.windows)
  }

  func testConnectionCountIsPreservedExactly() throws {
    let (layer, w) = try makeLocal()
    let before = layer.connectionCount
    var g = SeededGenerator(seed: 2)
    let evolution = LocalSETEvolution(zeta: 0.3, windows: [(layer, w)])
    for _ in 0..<5 {
      let report = evolution.rewire(layer, using: &g)
      XCTAssertEqual(report.removed, report.added)
      XCTAssertGreaterThan(report.removed, 0)
      XCTAssertEqual(layer.connectionCount, before)
    }
  }

  func testNeverDuplicatesAConnection() throws {
    let (layer, w) = try makeLocal()
    var g = SeededGenerator(seed: 3)
    for _ in 0..<5 {
      _ = LocalSETEvolution(zeta: 0.5, windows: [(layer, w)]).rewire(layer, using: &g)
      try layer.pattern.validate()
    }
  }

  func testRegrowthStaysInsideEachUnitsWindow() throws {
    let (layer, w) = try makeLocal()
    var g = SeededGenerator(seed: 4)
    let before = TopologyStatistics.keys(layer.pattern)
    for _ in 0..<5 { _ = LocalSETEvolution(zeta: 0.5, windows: [(layer, w)]).rewire(layer, using: &g) }
    let after = TopologyStatistics.keys(layer.pattern)
    XCTAssertFalse(after.subtracting(before).isEmpty, "the topology moved")
    XCTAssertTrue(after.isSubset(of: TopologyStatistics.keys(w.pattern())), "every connection is inside its window")
  }

  func testFullWindowsRegrowOnTheRemovedPositions() throws {
    let (layer, w) = try makeLocal(density: 1)
    var g = SeededGenerator(seed: 5)
    _ = LocalSETEvolution(zeta: 0.3, windows: [(layer, w)]).rewire(layer, using: &g)
    XCTAssertEqual(layer.pattern, w.pattern())
  }

  func testLayersWithoutWindowsRegrowAnywhereLikeSET() throws {
    let (local, w) = try makeLocal()
    var g = SeededGenerator(seed: 6)
    let other = SparseLinear(inputSize: 200, outputSize: 100, epsilon: 5, using: &g)
    let copy = try SparseLinear(pattern: other.pattern, weights: other.weight.value, bias: other.bias.value)
    var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
    _ = LocalSETEvolution(zeta: 0.3, windows: [(local, w)]).rewire(other, using: &a)
    _ = SETEvolution(zeta: 0.3).rewire(copy, using: &b)
    XCTAssertEqual(other.pattern, copy.pattern)
  }

  func testSurvivorsKeepOptimizerStateAndNewConnectionsStartAtZero() throws {
    let (layer, w) = try makeLocal()
    layer.weight.optimizerState = [layer.weight.value.map { $0 + 100 }]
    let old = layer.weights
    let removed = Set(SETEvolution(zeta: 0.3).positionsToRemove(old.values))
    var g = SeededGenerator(seed: 8)
    _ = LocalSETEvolution(zeta: 0.3, windows: [(layer, w)]).rewire(layer, using: &g)
    for i in 0..<old.rows {
      for k in Int(layer.pattern.rowPointers[i])..<Int(layer.pattern.rowPointers[i + 1]) {
        let c = Int(layer.pattern.columnIndices[k])
        if let o = old.pattern.position(row: i, column: c), !removed.contains(o) {
          XCTAssertEqual(layer.weight.optimizerState[0][k], old.values[o] + 100)
        } else {
          XCTAssertEqual(layer.weight.optimizerState[0][k], 0)
        }
      }
    }
  }

  func testWindowRegrowthIsUniformOverWindowPositions() throws {
    // Border windows are smaller; a position anywhere is drawn equally often.
    let w = try LocalWindows(input: ImageShape(height: 6, width: 6), outputChannels: 1, kernelSize: 3, padding: 1)
    let d = LocalWindowRegrowth(w)
    XCTAssertEqual(d.positionCount, w.windowPositionCount)
    var counts = [Int: Int]()
    var g = SeededGenerator(seed: 9)
    let draws = 200_000
    for _ in 0..<draws {
      let (r, c) = d.sample(using: &g)
      XCTAssertTrue(w.contains(row: r, column: c))
      counts[r * w.inputSize + c, default: 0] += 1
    }
    XCTAssertEqual(counts.count, d.positionCount)
    let expected = Double(draws) / Double(d.positionCount)
    for n in counts.values { XCTAssertEqual(Double(n), expected, accuracy: 5 * expected.squareRoot()) }
  }

  func testSameSeedGivesSameTopology() throws {
    let (a, w) = try makeLocal(seed: 10), (b, _) = try makeLocal(seed: 10)
    var ga = SeededGenerator(seed: 11), gb = SeededGenerator(seed: 11)
    _ = LocalSETEvolution(windows: [(a, w)]).rewire(a, using: &ga)
    _ = LocalSETEvolution(windows: [(b, w)]).rewire(b, using: &gb)
    XCTAssertEqual(a.pattern, b.pattern)
    XCTAssertEqual(a.weight.value, b.weight.value)
  }
}
