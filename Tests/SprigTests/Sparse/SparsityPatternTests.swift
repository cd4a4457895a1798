import XCTest
@testable import Sprig

final class SparsityPatternTests: XCTestCase {
  func testEntriesAreSortedAndDeduplicatedPerRow() throws {
    let p = try SparsityPattern(rows: 2, columns: 5, entries: [(1, 4), (0, 3), (1, 0), (0, 1), (0, 3)])
    XCTAssertEqual(p.rowPointers, [0, 2, 4])
    XCTAssertEqual(p.columnIndices, [1, 3, 0, 4])
  }

  func testOutOfRangeEntryIsRejected() {
    XCTAssertThrowsError(try SparsityPattern(rows: 2, columns: 2, entries: [(0, 2)]))
  }

  func testUnsortedColumnsFailValidation() {
    XCTAssertThrowsError(try SparsityPattern(rows: 1, columns: 4, rowPointers: [0, 2], columnIndices: [3, 1]))
  }

  func testTransposeSourcePositionsPointAtTheSameConnection() {
    let w = randomCSR(rows: 20, columns: 15, density: 0.3, seed: 9)
    let (t, source) = w.pattern.transposed()
    XCTAssertNoThrow(try t.validate())
    for j in 0..<t.rows {
      for k in Int(t.rowPointers[j])..<Int(t.rowPointers[j + 1]) {
        let i = Int(t.columnIndices[k])
        XCTAssertEqual(w.pattern.position(row: i, column: j), Int(source[k]))
      }
    }
  }

  func testDegreesCountRowsAndColumns() throws {
    let p = try SparsityPattern(rows: 2, columns: 3, entries: [(0, 0), (0, 2), (1, 2)])
    XCTAssertEqual(p.rowDegrees, [2, 1])
    XCTAssertEqual(p.columnDegrees, [1, 0, 2])
  }
}
