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

  func testReshapeBackToASmallerBatchReusesTheStorageAndGivesZeros() {
    let m = Matrix(rows: 40, columns: 1000, repeating: 2)  // an evaluation batch
    let storage = address(m)
    m.reshape(rows: 40, columns: 128)  // training again
    XCTAssertEqual(address(m), storage)
    XCTAssertEqual(m.elements.count, 40 * 128)
    XCTAssertTrue(m.elements.allSatisfy { $0 == 0 })
    m.fill(5)
    m.reshape(rows: 40, columns: 1000)
    XCTAssertEqual(address(m), storage)
    XCTAssertTrue(m.elements.allSatisfy { $0 == 0 })
  }

  func testReshapeDoesNotWriteIntoStorageAnotherMatrixShares() {
    let m = Matrix(rows: 10, columns: 100, repeating: 2)
    let copy = m.copy()
    m.reshape(rows: 10, columns: 10)
    XCTAssertNotEqual(address(m), address(copy))
    XCTAssertTrue(copy.elements.allSatisfy { $0 == 2 })
    XCTAssertEqual(copy.elements.count, 1000)
  }

  func testLargeBuffersStartOnHugePageBoundaries() {
    let keep = HugePages.enabled
    defer { HugePages.enabled = keep }
    HugePages.enabled = true
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
