import XCTest
@testable import Sprig

final class MatrixTests: XCTestCase {
  func testGemmMatchesHandProduct() {
    let a = Matrix([[1, 2], [3, 4]])
    let b = Matrix([[5, 6], [7, 8]])
    let c = Matrix(rows: 2, columns: 2)
    BLAS.gemm(a, b, into: c)
    XCTAssertEqual(c.elements, [19, 22, 43, 50])
  }
}
