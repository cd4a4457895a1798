import XCTest
@testable import Sprig

final class MatrixMarketTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-mtx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

  func parse(_ text: String) throws -> MatrixMarket.Contents {
    try MatrixMarket.parse(Array(text.utf8), file: "test.mtx")
  }

  /// The error's line, or nil when it is not a Matrix Market error.
  func errorLine(_ text: String) -> Int? {
    do {
      _ = try parse(text)
      return nil
    } catch TopologyError.matrixMarket(let file, let line, _) {
      XCTAssertEqual(file, "test.mtx")
      return line
    } catch {
      return nil
    }
  }

  func testRealRoundTripKeepsPatternAndValuesExactly() throws {
    var g = SeededGenerator(seed: 1)
    let pattern = ErdosRenyiTopology.pattern(inputSize: 300, outputSize: 200, density: 0.05, using: &g)
    let values = (0..<pattern.nonzeroCount).map { _ in g.nextNormal() * 1e-3 }
    let url = directory.appendingPathComponent("w.mtx")
    try MatrixMarket.write(pattern, values: values, to: url, comment: "Sprig test\nsecond line")
    let read = try MatrixMarket.read(contentsOf: url)
    XCTAssertEqual(read.pattern, pattern)
    XCTAssertEqual(read.values, values)
  }

  func testPatternRoundTripHasNoValues() throws {
    var g = SeededGenerator(seed: 2)
    let pattern = SmallWorldTopology.pattern(inputSize: 50, outputSize: 40, neighbours: 5, rewiringProbability: 0.2, using: &g)
    let url = directory.appendingPathComponent("p.mtx")
    try MatrixMarket.write(pattern, to: url)
    let text = try String(contentsOf: url, encoding: .utf8)
    XCTAssertTrue(text.hasPrefix("%%MatrixMarket matrix coordinate pattern general\n40 50 200\n"))
    let read = try MatrixMarket.read(contentsOf: url)
    XCTAssertEqual(read.pattern, pattern)
    XCTAssertNil(read.values)
  }

  func testReadsUnsortedEntriesCommentsBlankLinesAndCRLF() throws {
    let text = "%%MatrixMarket matrix coordinate real general\r\n% made by hand\r\n\r\n3 4 4\r\n3 1 -2.5\r\n1 4 1e-3\r\n1 2 7\r\n\r\n2 2 0\r\n"
    let m = try parse(text)
    XCTAssertEqual(m.pattern.rowPointers, [0, 2, 3, 4])
    XCTAssertEqual(m.pattern.columnIndices, [1, 3, 1, 0])
    XCTAssertEqual(m.values, [7, 1e-3, 0, -2.5])
  }

  func testIntegerFieldIsReadAsReal() throws {
    XCTAssertEqual(try parse("%%MatrixMarket matrix coordinate integer general\n1 2 1\n1 2 5\n").values, [5])
  }

  func testBadHeaderNamesLineOne() {
    XCTAssertEqual(errorLine("%MatrixMarket matrix coordinate real general\n1 1 0\n"), 1)
    XCTAssertEqual(errorLine("%%MatrixMarket matrix array real general\n1 1\n1\n"), 1)
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate real symmetric\n2 2 0\n"), 1)
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate complex general\n2 2 0\n"), 1)
    XCTAssertEqual(errorLine(""), 0)
  }

  func testOutOfRangeEntryNamesItsLine() {
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate pattern general\n% c\n2 3 2\n1 1\n3 1\n"), 5)
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate pattern general\n2 3 1\n0 1\n"), 3)
  }

  func testDuplicateEntryNamesTheSecondLineAndTheFirst() throws {
    let text = "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 2 1\n2 1 1\n1 2 3\n"
    XCTAssertEqual(errorLine(text), 5)
    XCTAssertThrowsError(try parse(text)) { XCTAssertTrue("\($0)".contains("line 3"), "\($0)") }
  }

  func testWrongEntryCountsAreErrors() {
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate pattern general\n2 2 3\n1 1\n2 2\n"), 4)  // ends early
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1\n2 2\n"), 4)  // one too many
  }

  func testMalformedFieldsAreErrors() {
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1\n"), 3)  // missing value
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n"), 3)
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 x 1\n"), 3)
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate real general\n2 2\n"), 2)
    XCTAssertEqual(errorLine("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 nan\n"), 3)
  }

  func testMissingFileNamesThePath() {
    let url = directory.appendingPathComponent("absent.mtx")
    XCTAssertThrowsError(try MatrixMarket.read(contentsOf: url)) { error in
      guard case TopologyError.matrixMarket(let file, let line, _) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(file, url.path)
      XCTAssertEqual(line, 0)
    }
  }

  func testAReadPatternBuildsALayer() throws {
    let m = try parse("%%MatrixMarket matrix coordinate real general\n2 3 3\n1 1 0.5\n2 3 -1\n2 1 2\n")
    let layer = try SparseLinear(pattern: m.pattern, weights: m.values!, bias: [0, 0])
    let x = Matrix([[1], [10], [100]])  // one sample, three features
    XCTAssertEqual(layer.forward(x, training: false).elements, [0.5, -98])
  }
}
