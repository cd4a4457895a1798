import XCTest
@testable import Sprig

final class RegrowthTests: XCTestCase {
  /// Uniform over a 10×10 layer's positions.
  struct Everywhere: RegrowthDistribution {
    var rows = 10, columns = 10
    var positionCount: Int { 100 }
    func sample(using rng: inout SeededGenerator) -> (row: Int, column: Int) { (rng.nextInt(below: 10), rng.nextInt(below: 10)) }
    func contains(row: Int, column: Int) -> Bool { true }
    func weight(row: Int, column: Int) -> Double { 1 }
    func forEachPosition(_ body: (Int, Int) -> Void) { for r in 0..<10 { for c in 0..<10 { body(r, c) } } }
  }

  func testDrawsDistinctFreePositionsSortedOnBothPaths() {
    let held = Set(stride(from: 0, to: 100, by: 3))  // 34 held, 66 free
    for count in [5, 40, 66] {  // rejection, exact, everything
      var g = SeededGenerator(seed: UInt64(count))
      let keys = Regrowth.draw(count, from: Everywhere(), free: 66, using: &g) { held.contains($0) }
      XCTAssertEqual(keys.count, count)
      XCTAssertEqual(keys, Array(Set(keys)).sorted())
      XCTAssertTrue(keys.allSatisfy { !held.contains($0) })
    }
  }

  func testCustomDistributionDrivesSETRegrowth() throws {
    var g = SeededGenerator(seed: 1)
    let layer = SparseLinear(pattern: ErdosRenyiTopology.pattern(inputSize: 10, outputSize: 10, density: 0.3, using: &g), using: &g)
    let before = layer.connectionCount
    let report = SETEvolution(zeta: 0.5).rewire(layer, regrowingFrom: Everywhere(), using: &g)
    XCTAssertEqual(report.added, report.removed)
    XCTAssertEqual(layer.connectionCount, before)
    try layer.pattern.validate()
  }
}
