import XCTest
@testable import Sprig

final class GraphBLASTests: XCTestCase {
  func testRoundTripThroughGraphBLASKeepsEveryEntry() throws {
    let w = randomCSR(rows: 40, columns: 30, density: 0.2, seed: 1)
    XCTAssertEqual(try GraphBLASMatrix(w).csr(), w)
  }

  func testGraphBLASTransposeEqualsOwnTranspose() throws {
    let w = randomCSR(rows: 40, columns: 30, density: 0.2, seed: 2)
    XCTAssertEqual(try GraphBLASMatrix(w).transposed().csr(), w.transposed())
  }

  func testForwardKernelEqualsGraphBLASProduct() throws {
    let w = randomCSR(rows: 50, columns: 40, density: 0.1, seed: 3)
    let x = randomMatrix(rows: 40, columns: 9, seed: 4)
    let y = Matrix(rows: 0, columns: 0)
    SparseKernels.multiply(w.pattern, values: w.values, x, into: y)
    let reference = try GraphBLASMatrix.multiply(GraphBLASMatrix(w), GraphBLASMatrix(dense: x)).dense()
    assertClose(y, reference)
  }

  func testSDDMMEqualsGraphBLASMaskedProduct() throws {
    let w = randomCSR(rows: 30, columns: 20, density: 0.3, seed: 5)
    let dY = randomMatrix(rows: 30, columns: 11, seed: 6), x = randomMatrix(rows: 20, columns: 11, seed: 7)
    var g = [Float](repeating: 0, count: w.nonzeroCount)
    SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
    let reference = try GraphBLASMatrix.multiply(
      GraphBLASMatrix(dense: dY), GraphBLASMatrix(dense: x), transposeB: true, mask: GraphBLASMatrix(w)
    ).csr()
    XCTAssertEqual(reference.pattern, w.pattern)
    for k in g.indices { XCTAssertEqual(g[k], reference.values[k], accuracy: 1e-4) }
  }
}
