import XCTest
@testable import Sprig

final class ErdosRenyiDegreeTests: XCTestCase {
  func testInputOutDegreesAreBinomialToo() throws {
    var g = SeededGenerator(seed: 11)
    let (nIn, nOut, p) = (3000, 2000, 0.02)
    let pattern = ErdosRenyiTopology.pattern(inputSize: nIn, outputSize: nOut, density: p, using: &g)
    let (mean, variance) = TopologyStatistics.meanAndVariance(pattern.columnDegrees)
    XCTAssertEqual(mean, Double(nOut) * p, accuracy: 0.3)  // 40; s.e. 0.11
    XCTAssertEqual(variance, Double(nOut) * p * (1 - p), accuracy: 4)  // 39.2; s.e. ≈ 1
  }

  #if !DEBUG
  /// The scale target: a 10⁶ × 10⁶ layer at ε = 20 (4·10⁷ connections) in
  /// under 10 s. Runs only in release test builds
  /// (`swift test -c release -Xswiftc -enable-testing --filter ErdosRenyiDegreeTests`).
  func testMillionUnitLayerAtEpsilon20IsFast() {
    var g = SeededGenerator(seed: 1)
    let start = Date()
    let p = ErdosRenyiTopology.pattern(inputSize: 1_000_000, outputSize: 1_000_000, epsilon: 20, using: &g)
    let seconds = Date().timeIntervalSince(start)
    let bytes = 4 * (p.columnIndices.count + p.rowPointers.count)
    print(String(format: "ER 10⁶×10⁶ ε=20: %d connections in %.2f s, %.0f MB of CSR", p.nonzeroCount, seconds, Double(bytes) / 1e6))
    XCTAssertEqual(Double(p.nonzeroCount), 4e7, accuracy: 4e4)
    XCTAssertLessThan(seconds, 10)
  }
  #endif
}
