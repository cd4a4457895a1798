import XCTest
@testable import Sprig

final class LocallyConnectedTopologyTests: XCTestCase {
  /// The obviously correct stand-in: pad the image, slide the window, keep
  /// the positions that fall on real pixels.
  func naiveColumns(_ input: ImageShape, kernel k: Int, stride s: Int, padding p: Int, oy: Int, ox: Int) -> [Int] {
    var out: [Int] = []
    for c in 0..<input.channels {
      for dy in 0..<k {
        for dx in 0..<k {
          let y = oy * s + dy - p, x = ox * s + dx - p
          if y >= 0 && y < input.height && x >= 0 && x < input.width { out.append((c * input.height + y) * input.width + x) }
        }
      }
    }
    return out.sorted()
  }

  func testWindowsMatchNaiveEnumerationWithPaddingAndStride() throws {
    let geometries: [(ImageShape, Int, Int, Int, Int)] = [
      (ImageShape(height: 28, width: 28), 16, 5, 1, 0),
      (ImageShape(height: 7, width: 9, channels: 3), 2, 3, 2, 1),
      (ImageShape(height: 8, width: 5, channels: 2), 3, 4, 3, 3),
      (ImageShape(height: 6, width: 6), 1, 6, 1, 2),
      (ImageShape(height: 5, width: 11, channels: 2), 2, 2, 2, 1),
    ]
    for (input, maps, k, s, p) in geometries {
      let w = try LocalWindows(input: input, outputChannels: maps, kernelSize: k, stride: s, padding: p)
      let pattern = w.pattern()
      try pattern.validate()
      XCTAssertEqual(w.output.height, (input.height + 2 * p - k) / s + 1)
      XCTAssertEqual(w.output.width, (input.width + 2 * p - k) / s + 1)
      XCTAssertEqual(pattern.rows, maps * w.output.height * w.output.width)
      XCTAssertEqual(pattern.columns, input.featureCount)
      XCTAssertEqual(pattern.nonzeroCount, w.windowPositionCount)
      for oc in 0..<maps {
        for oy in 0..<w.output.height {
          for ox in 0..<w.output.width {
            let row = w.output.featureIndex(channel: oc, y: oy, x: ox)
            let expected = naiveColumns(input, kernel: k, stride: s, padding: p, oy: oy, ox: ox)
            XCTAssertEqual(pattern.columns(ofRow: row).map(Int.init), expected, "\(input) k\(k) s\(s) p\(p) at (\(oc), \(oy), \(ox))")
            XCTAssertEqual(w.windowSize(ofOutput: row), expected.count)
            XCTAssertEqual((0..<expected.count).map { w.column($0, ofOutput: row) }, expected)
          }
        }
      }
    }
  }

  func testContainsAgreesWithThePattern() throws {
    let w = try LocalWindows(input: ImageShape(height: 7, width: 6, channels: 2), outputChannels: 2, kernelSize: 3, stride: 2, padding: 1)
    let keys = TopologyStatistics.keys(w.pattern())
    for row in 0..<w.outputSize {
      for column in 0..<w.inputSize {
        XCTAssertEqual(w.contains(row: row, column: column), keys.contains(row * w.inputSize + column))
      }
    }
  }

  func testMNISTGeometryHas24By24MapsOf25Inputs() throws {
    let w = try LocalWindows(input: ImageShape(height: 28, width: 28), outputChannels: 16, kernelSize: 5)
    XCTAssertEqual(w.output, ImageShape(height: 24, width: 24, channels: 16))
    XCTAssertEqual(Set(w.pattern().rowDegrees), [25])
  }

  func testSparseLocalPatternStaysInsideWindowsAtTheRequestedDensity() throws {
    let w = try LocalWindows(input: ImageShape(height: 28, width: 28), outputChannels: 8, kernelSize: 7, padding: 3)
    var g = SeededGenerator(seed: 1)
    let p = w.pattern(density: 0.3, using: &g)
    try p.validate()
    XCTAssertTrue(TopologyStatistics.keys(p).isSubset(of: TopologyStatistics.keys(w.pattern())))
    let n = Double(w.windowPositionCount)
    XCTAssertEqual(Double(p.nonzeroCount) / n, 0.3, accuracy: 4 * (0.21 / n).squareRoot())
  }

  func testImpossibleGeometriesAreTypedErrors() {
    let mnist = ImageShape(height: 28, width: 28)
    XCTAssertThrowsError(try LocalWindows(input: mnist, outputChannels: 1, kernelSize: 29))
    XCTAssertThrowsError(try LocalWindows(input: mnist, outputChannels: 0, kernelSize: 5))
    XCTAssertThrowsError(try LocalWindows(input: mnist, outputChannels: 1, kernelSize: 5, stride: 0))
    XCTAssertThrowsError(try LocalWindows(input: mnist, outputChannels: 1, kernelSize: 5, padding: 5))
    XCTAssertNoThrow(try LocalWindows(input: mnist, outputChannels: 1, kernelSize: 29, padding: 1))
  }
}
