import XCTest
@testable import Sprig

final class AlignedFloatsTests: XCTestCase {
  private func address(_ m: Matrix) -> Int {
    m.elements.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
  }

  func testMatrixRowsStartOnCacheLinesAtEverySize() {
    // Arrays of these sizes start 16 or 48 bytes past a line; the matrix must not.
    for count in [1, 100, 32_000, 128 * 1000, 1 << 20, 3 << 20] {
      let m = Matrix(rows: count / 128 + 1, columns: 128)
      XCTAssertEqual(address(m) % 64, 0, "\(m.count) elements")
    }
  }

  func testReshapedAndConvertedMatricesAreAligned() {
    let m = Matrix(rows: 2, columns: 2)
    m.reshape(rows: 1000, columns: 128)
    XCTAssertEqual(address(m) % 64, 0)
    let fromArray = Matrix(rows: 1000, columns: 128, elements: [Float](repeating: 1, count: 128_000))
    XCTAssertEqual(address(fromArray) % 64, 0)
  }

  func testLargeBuffersStartOnHugePageBoundaries() throws {
    try XCTSkipIf(!HugePages.enabled, "SPRIG_HUGE_PAGES=0 turned the advice off")
    let m = Matrix(rows: 4096, columns: 1024)  // 16 MB
    XCTAssertEqual(address(m) % HugePages.pageSize, 0)
  }

  func testCopiesAreIndependentAfterAWrite() {
    var a: AlignedFloats = [1, 2, 3]
    let b = a
    a[1] = 20
    XCTAssertEqual(Array(b), [1, 2, 3])
    XCTAssertEqual(Array(a), [1, 20, 3])
    var c = b
    c.withUnsafeMutableBufferPointer { $0[0] = -1 }
    XCTAssertEqual(b[0], 1)
    XCTAssertEqual(c[0], -1)
  }

  func testMatrixCopyDoesNotShareWrites() {
    let m = Matrix([[1, 2], [3, 4]])
    let n = m.copy()
    m[0, 0] = 9
    XCTAssertEqual(n[0, 0], 1)
    XCTAssertEqual(m[0, 0], 9)
  }

  func testEqualityComparesElements() {
    XCTAssertEqual(AlignedFloats([1, 2, 3]), [1, 2, 3])
    XCTAssertNotEqual(AlignedFloats([1, 2, 3]), [1, 2, 4])
    XCTAssertNotEqual(AlignedFloats([1, 2]), [1, 2, 3])
    XCTAssertEqual(AlignedFloats(repeating: 0.5, count: 4), [0.5, 0.5, 0.5, 0.5])
  }

  func testEmptyStorageIsUsable() {
    let empty = AlignedFloats([])
    XCTAssertTrue(empty.isEmpty)
    XCTAssertEqual(empty.withUnsafeBufferPointer { $0.count }, 0)
    XCTAssertEqual(Matrix(rows: 0, columns: 5).elements.count, 0)
  }
}
