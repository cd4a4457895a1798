import XCTest
@testable import Sprig

/// Runs `body` on every instruction set and, on AVX-512 with AVX-512 BF16,
/// both with and without its dot products.
func forEachBFloat16CodePath(_ body: (String) -> Void) {
  defer { SparseKernels.usesBFloat16DotProducts = true }
  forEachInstructionSet { isa in
    SparseKernels.usesBFloat16DotProducts = false
    body("\(isa)")
    SparseKernels.usesBFloat16DotProducts = true
    if SparseKernels.usesBFloat16DotProducts { body("\(isa)+vdpbf16ps") }
  }
}

/// The bfloat16 kernels against FP32 references on the same (rounded)
/// values: they differ from them only in the order of FP32 sums.
final class BFloat16KernelTests: XCTestCase {
  override func tearDown() {
    SparseKernels.instructionSet = SparseKernels.detectedInstructionSet
    SparseKernels.usesBFloat16DotProducts = true
  }

  func testForwardEqualsDenseReferenceOnTheRoundedInputOnEveryCodePath() {
    forEachBFloat16CodePath { path in
      for (s, shape) in kernelTestShapes.enumerated() {
        let w = randomCSR(rows: shape.rows, columns: shape.columns, density: 0.3, seed: UInt64(s) + 40)
        let bias = (0..<shape.rows).map { Float($0 % 3) - 1 }
        for batch in kernelTestBatches + [33, 256, 257] {
          let x = BFloat16Matrix(rounding: randomMatrix(rows: shape.columns, columns: batch, seed: UInt64(batch) + 41))
          let y = Matrix(rows: 0, columns: 0), rectified = Matrix(rows: 0, columns: 0)
          SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: y)
          SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: rectified, rectified: true)
          let expected = Matrix(rows: shape.rows, columns: batch)
          BLAS.gemm(w.dense(), x.widened(), into: expected)
          for i in 0..<shape.rows { for j in 0..<batch { expected[i, j] += bias[i] } }
          assertClose(y, expected, "\(path) \(shape) batch \(batch)")
          XCTAssertEqual(rectified.elements.map { $0 }, y.elements.map { $0 > 0 ? $0 : 0 }, "\(path) \(shape) batch \(batch)")
        }
      }
    }
  }

  func testBackwardSpMMThroughTransposedPatternEqualsDenseReference() {
    forEachBFloat16CodePath { path in
      let w = randomCSR(rows: 64, columns: 130, density: 0.3, seed: 42)
      let (t, source) = w.pattern.transposed()
      for batch in [1, 17, 64, 130] {
        let dY = BFloat16Matrix(rounding: randomMatrix(rows: 64, columns: batch, seed: UInt64(batch) + 43))
        let dX = Matrix(rows: 0, columns: 0)
        SparseKernels.multiply(t, values: w.values, valuePositions: source, dY, into: dX)
        let expected = Matrix(rows: 130, columns: batch)
        BLAS.gemm(w.dense(), transposeA: true, dY.widened(), into: expected)
        assertClose(dX, expected, "\(path) batch \(batch)")
      }
    }
  }

  func testSDDMMEqualsMaskedDenseGradientOnTheRoundedInputsOnEveryCodePath() {
    forEachBFloat16CodePath { path in
      for (s, shape) in kernelTestShapes.enumerated() {
        let w = randomCSR(rows: shape.rows, columns: shape.columns, density: 0.4, seed: UInt64(s) + 44)
        for batch in kernelTestBatches + [33, 256, 257] {
          let dY = BFloat16Matrix(rounding: randomMatrix(rows: shape.rows, columns: batch, seed: UInt64(batch) + 45))
          let x = BFloat16Matrix(rounding: randomMatrix(rows: shape.columns, columns: batch, seed: UInt64(batch) + 46))
          var g = [Float](repeating: .nan, count: w.nonzeroCount)
          SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
          var expected = [Float](repeating: .nan, count: w.nonzeroCount)
          SparseKernels.sampledProduct(w.pattern, dY.widened(), x.widened(), into: &expected)
          XCTAssertLessThanOrEqual(zip(g, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0, 1e-4,
            "\(path) \(shape) batch \(batch)")
        }
      }
    }
  }

  func testSDDMMWithMomentumStoreFoldsTheVelocityUpdate() {
    forEachBFloat16CodePath { path in
      let w = randomCSR(rows: 37, columns: 23, density: 0.4, seed: 47)
      let dY = BFloat16Matrix(rounding: randomMatrix(rows: 37, columns: 130, seed: 48))
      let x = BFloat16Matrix(rounding: randomMatrix(rows: 23, columns: 130, seed: 49))
      var g = [Float](repeating: 0, count: w.nonzeroCount)
      SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
      let fold = MomentumFold(momentum: 0.9, weightDecay: 0.01)
      var v = (0..<w.nonzeroCount).map { Float($0 % 7) * 0.1 }
      let expected = (0..<v.count).map { 0.9 * v[$0] + 0.01 * w.values[$0] + g[$0] }
      SparseKernels.sampledProduct(w.pattern, dY, x, into: &v, store: .momentum(fold, weights: w.values))
      XCTAssertLessThanOrEqual(zip(v, expected).map { abs($0 - $1) }.max() ?? 0, 1e-5, path)
    }
  }

  func testWideLayersGiveTheSameBitsInColumnBlocks() {
    let keep = (ColumnBlocking.blockBytes, ColumnBlocking.mode)
    defer { (ColumnBlocking.blockBytes, ColumnBlocking.mode) = keep }
    let w = randomCSR(rows: 40, columns: 300, density: 0.2, seed: 50)
    let x = BFloat16Matrix(rounding: randomMatrix(rows: 300, columns: 64, seed: 51))
    let dY = BFloat16Matrix(rounding: randomMatrix(rows: 40, columns: 64, seed: 52))
    func run(_ mode: ColumnBlocking.Mode) -> ([Float], [Float]) {
      (ColumnBlocking.blockBytes, ColumnBlocking.mode) = (16 << 10, mode)  // 300×64×4 = 75 KB: 5 blocks
      let y = Matrix(rows: 0, columns: 0)
      SparseKernels.multiply(w.pattern, values: w.values, x, into: y)
      var g = [Float](repeating: 0, count: w.nonzeroCount)
      SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
      return (y.elements.map { $0 }, g)
    }
    let whole = run(.never), blocked = run(.always)
    XCTAssertEqual(whole.0, blocked.0)
    XCTAssertEqual(whole.1, blocked.1)
  }

  func testRoundingIsToNearestWithTiesToEven() {
    // 1 + 2⁻⁸ lies halfway between 1 and 1 + 2⁻⁷: the even neighbour is 1.
    XCTAssertEqual(BFloat16Matrix.rounded(1 + 0x1p-8), 1)
    // 1 + 3·2⁻⁸ lies halfway between 1 + 2⁻⁷ (odd) and 1 + 2⁻⁶ (even).
    XCTAssertEqual(BFloat16Matrix.rounded(1 + 3 * 0x1p-8), 1 + 0x1p-6)
    XCTAssertEqual(BFloat16Matrix.rounded(1 + 0x1p-8 + 0x1p-20), 1 + 0x1p-7, "above halfway rounds up")
    XCTAssertEqual(BFloat16Matrix.rounded(-3.140625), -3.140625, "a bfloat16 value is kept")
    XCTAssertEqual(BFloat16Matrix.rounded(.greatestFiniteMagnitude), .infinity, "beyond bfloat16's range")
    XCTAssertEqual(BFloat16Matrix.rounded(-.infinity), -.infinity)
  }

  func testEveryCodePathRoundsToTheSameBitsAsTheReferenceRule() {
    // Round half to even on the upper 16 bits; NaN quieted (bit 6 of the
    // upper half set) instead of rounded.
    func reference(_ f: Float) -> UInt16 {
      let u = f.bitPattern
      return f.isNaN ? UInt16(u >> 16) | 0x40 : UInt16(truncatingIfNeeded: (u &+ 0x7FFF &+ ((u >> 16) & 1)) >> 16)
    }
    var g = SeededGenerator(seed: 54)
    let specials: [Float] = [0, -0, .infinity, -.infinity, .nan, Float(bitPattern: 0x7F80_0001), .leastNonzeroMagnitude,
      -.leastNormalMagnitude, .greatestFiniteMagnitude, 1 + 0x1p-8, 1 + 3 * 0x1p-8, Float(bitPattern: 0x0000_8000)]
    let values = specials + (0..<997).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: g.next())) }
    let m = Matrix(rows: 1, columns: values.count, elements: values)
    forEachBFloat16CodePath { path in
      XCTAssertEqual(BFloat16Matrix(rounding: m).bits, values.map(reference), path)
    }
  }

  func testNaNStaysNaNEvenWithOnlyLowMantissaBits() {
    // A NaN whose payload is all below bit 16 would round into infinity.
    XCTAssertTrue(BFloat16Matrix.rounded(Float(bitPattern: 0x7F80_0001)).isNaN)
    XCTAssertTrue(BFloat16Matrix.rounded(Float(bitPattern: 0xFFFF_FFFF)).isNaN)
  }

  func testWideningIsExactAndRoundTrips() {
    let m = randomMatrix(rows: 3, columns: 5, in: -1000...1000, seed: 53)
    let b = BFloat16Matrix(rounding: m)
    let wide = b.widened()
    XCTAssertEqual([wide.rows, wide.columns], [3, 5])
    for i in 0..<m.count {
      XCTAssertEqual(wide.elements[i], BFloat16Matrix.rounded(m.elements[i]))
      XCTAssertLessThanOrEqual(abs(wide.elements[i] - m.elements[i]), abs(m.elements[i]) * 0x1p-8)
    }
    XCTAssertEqual(BFloat16Matrix(rounding: wide).bits, b.bits, "rounding a bfloat16 value is the identity")
  }
}
