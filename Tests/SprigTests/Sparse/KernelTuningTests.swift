import XCTest
@testable import Sprig

final class KernelTuningTests: XCTestCase {
  override func tearDown() { SparseKernels.tuning = SparseKernels.Tuning() }

  /// Forward, backward SpMM and SDDMM of one case.
  private func products(_ w: CSRMatrix, batch: Int) -> (Matrix, Matrix, [Float]) {
    let x = randomMatrix(rows: w.columns, columns: batch, seed: UInt64(batch) + 1)
    let dY = randomMatrix(rows: w.rows, columns: batch, seed: UInt64(batch) + 2)
    let (t, source) = w.pattern.transposed()
    let y = Matrix(rows: 0, columns: 0), dX = Matrix(rows: 0, columns: 0)
    SparseKernels.multiply(w.pattern, values: w.values, x, into: y)
    SparseKernels.multiply(t, values: w.values, valuePositions: source, dY, into: dX)
    var g = [Float](repeating: .nan, count: w.nonzeroCount)
    SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
    return (y, dX, g)
  }

  func testEveryTuningGivesTheDefaultsResultsOnEveryCodePath() {
    let tunings = [
      SparseKernels.Tuning(prefetchDistance: 0), SparseKernels.Tuning(prefetchDistance: 12),
      SparseKernels.Tuning(sddmmSlices: false), SparseKernels.Tuning(spmmQuads: true),
      SparseKernels.Tuning(spmmQuads: false),
    ]
    forEachKernelCase(seed: 40) { context, w, batch in
      SparseKernels.tuning = SparseKernels.Tuning()
      let (y, dX, g) = products(w, batch: batch)
      for tuning in tunings {
        SparseKernels.tuning = tuning
        let (ty, tdX, tg) = products(w, batch: batch)
        assertClose(ty, y, "\(context) \(tuning) forward")
        assertClose(tdX, dX, "\(context) \(tuning) backward")
        assertClose(
          Matrix(rows: 1, columns: tg.count, elements: tg), Matrix(rows: 1, columns: g.count, elements: g),
          "\(context) \(tuning) SDDMM")
      }
    }
  }

  func testTuningReadsBackAsSet() {
    XCTAssertEqual(SparseKernels.tuning, SparseKernels.Tuning(), "starts at the kernels' own settings")
    let tuning = SparseKernels.Tuning(prefetchDistance: 8, sddmmSlices: false, spmmQuads: true)
    SparseKernels.tuning = tuning
    XCTAssertEqual(SparseKernels.tuning, tuning)
  }
}
