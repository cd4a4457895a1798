import XCTest
@testable import Sprig

final class MaskTopologyTests: XCTestCase {
  func testMaskGivesTheTrueEntriesRowByRow() throws {
    let p = try SparsityPattern(mask: [[true, false, true], [false, false, false], [false, true, false]])
    XCTAssertEqual(p.rows, 3)
    XCTAssertEqual(p.columns, 3)
    XCTAssertEqual(p.rowPointers, [0, 2, 2, 3])
    XCTAssertEqual(p.columnIndices, [0, 2, 1])
    try p.validate()
  }

  func testFlatMaskIsRowMajor() throws {
    let p = try SparsityPattern(mask: [false, true, true, false, false, true], rows: 2, columns: 3)
    XCTAssertEqual(p.columnIndices, [1, 2, 2])
    XCTAssertEqual(p.rowPointers, [0, 2, 3])
  }

  func testMaskOfTheWrongSizeIsATypedError() {
    XCTAssertThrowsError(try SparsityPattern(mask: [true, false, true], rows: 2, columns: 2))
    XCTAssertThrowsError(try SparsityPattern(mask: [[true], [true, false]]))
    XCTAssertThrowsError(try SparsityPattern(mask: [Bool](), rows: 0, columns: 3))
  }
}
