import XCTest
@testable import Sprig

/// A random pattern with some empty rows and some single-connection rows.
func randomPattern(rows: Int, columns: Int, density: Double, seed: UInt64) -> SparsityPattern {
  var g = SeededGenerator(seed: seed)
  var entries: [(row: Int, column: Int)] = []
  for i in 0..<rows {
    switch i % 5 {
    case 1: continue  // empty row
    case 2: entries.append((i, g.nextInt(below: columns)))  // one connection
    default:
      for j in 0..<columns where Double(g.nextUnitFloat()) < density { entries.append((i, j)) }
    }
  }
  return try! SparsityPattern(rows: rows, columns: columns, entries: entries)
}

func randomCSR(rows: Int, columns: Int, density: Double, seed: UInt64) -> CSRMatrix {
  let p = randomPattern(rows: rows, columns: columns, density: density, seed: seed)
  var g = SeededGenerator(seed: seed &+ 1)
  return try! CSRMatrix(pattern: p, values: (0..<p.nonzeroCount).map { _ in 2 * g.nextUnitFloat() - 1 })
}

func assertClose(_ a: Matrix, _ b: Matrix, tolerance: Float = 1e-4, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
  XCTAssertEqual(a.rows, b.rows, message, file: file, line: line)
  XCTAssertEqual(a.columns, b.columns, message, file: file, line: line)
  guard a.count == b.count else { return }
  var worst: Float = 0
  for i in 0..<a.count { worst = max(worst, abs(a.elements[i] - b.elements[i]) / max(1, abs(b.elements[i]))) }
  XCTAssertLessThanOrEqual(worst, tolerance, message, file: file, line: line)
}

final class SparseKernelTests: XCTestCase {
  let shapes = kernelTestShapes
  let batches = kernelTestBatches

  override func tearDown() { SparseKernels.instructionSet = SparseKernels.detectedInstructionSet }


  func testForwardEqualsDenseReferenceOnEveryCodePath() {
    forEachInstructionSet { isa in
      for (s, shape) in shapes.enumerated() {
        let w = randomCSR(rows: shape.rows, columns: shape.columns, density: 0.3, seed: UInt64(s))
        let bias = (0..<shape.rows).map { Float($0) * 0.01 }
        for batch in batches {
          let x = randomMatrix(rows: shape.columns, columns: batch, seed: UInt64(batch))
          let y = Matrix(rows: 0, columns: 0)
          SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: y)
          let expected = Matrix(rows: shape.rows, columns: batch)
          BLAS.gemm(w.dense(), x, into: expected)
          for i in 0..<shape.rows { for j in 0..<batch { expected[i, j] += bias[i] } }
          assertClose(y, expected, "\(isa) \(shape) batch \(batch)")
        }
      }
    }
  }

  func testRectifiedForwardIsTheForwardClampedAtZeroOnEveryCodePath() {
    forEachInstructionSet { isa in
      for (s, shape) in shapes.enumerated() {
        let w = randomCSR(rows: shape.rows, columns: shape.columns, density: 0.3, seed: UInt64(s))
        let bias = (0..<shape.rows).map { Float($0 % 3) - 1 }  // rows on both sides of zero
        for batch in batches {
          let x = randomMatrix(rows: shape.columns, columns: batch, seed: UInt64(batch))
          let plain = Matrix(rows: 0, columns: 0), rectified = Matrix(rows: 0, columns: 0)
          SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: plain)
          SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: rectified, rectified: true)
          XCTAssertEqual(rectified.elements.map { $0 }, plain.elements.map { $0 > 0 ? $0 : 0 }, "\(isa) \(shape) batch \(batch)")
        }
      }
    }
  }

  func testMaskedProductIsTheProductThroughAReLUWithItsRowSumsOnEveryCodePath() {
    forEachTransposedKernelCase(seed: 20) { context, w, t, source, batch in
      let dY = randomMatrix(rows: w.rows, columns: batch, seed: UInt64(batch) + 5)
      // A ReLU's output: zeros (and rows of them) beside positive values.
      let mask = randomMatrix(rows: w.columns, columns: batch, seed: UInt64(batch) + 6)
      ElementwiseKernels.reluInPlace(mask)
      let plain = Matrix(rows: 0, columns: 0), masked = Matrix(rows: 0, columns: 0)
      SparseKernels.multiply(t, values: w.values, valuePositions: source, dY, into: plain)
      let expected = Matrix(rows: w.columns, columns: batch)
      ElementwiseKernels.reluBackward(mask, plain, into: expected)
      var expectedSums = [Float](repeating: 0, count: w.columns)
      SparseKernels.rowSums(expected, into: &expectedSums)
      var sums = [Float](repeating: .nan, count: w.columns)
      SparseKernels.multiply(t, values: w.values, valuePositions: source, dY, maskedBy: mask, into: masked, rowSums: &sums)
      XCTAssertEqual(masked, expected, context)
      XCTAssertEqual(sums, expectedSums, context)
    }
  }

  func testBackwardThroughTransposedPatternEqualsDenseReference() {
    forEachTransposedKernelCase(seed: 10) { context, w, t, source, batch in
      let dY = randomMatrix(rows: w.rows, columns: batch, seed: UInt64(batch) + 3)
      let dX = Matrix(rows: 0, columns: 0)
      SparseKernels.multiply(t, values: w.values, valuePositions: source, dY, into: dX)
      let expected = Matrix(rows: w.columns, columns: batch)
      BLAS.gemm(w.dense(), transposeA: true, dY, into: expected)
      assertClose(dX, expected, context)
    }
  }

  func testSDDMMEqualsMaskedDenseGradient() {
    forEachInstructionSet { isa in
      for (s, shape) in shapes.enumerated() {
        let w = randomCSR(rows: shape.rows, columns: shape.columns, density: 0.4, seed: UInt64(s) + 20)
        for batch in batches {
          let dY = randomMatrix(rows: shape.rows, columns: batch, seed: UInt64(batch) + 5)
          let x = randomMatrix(rows: shape.columns, columns: batch, seed: UInt64(batch) + 6)
          var g = [Float](repeating: .nan, count: w.nonzeroCount)
          SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
          let full = Matrix(rows: shape.rows, columns: shape.columns)
          BLAS.gemm(dY, x, transposeB: true, into: full)
          let masked = try! CSRMatrix(pattern: w.pattern, values: g).dense()
          let expected = try! CSRMatrix(
            pattern: w.pattern,
            values: (0..<shape.rows).flatMap { i in w.pattern.columns(ofRow: i).map { full[i, Int($0)] } }
          ).dense()
          assertClose(masked, expected, "\(isa) \(shape) batch \(batch)")
        }
      }
    }
  }

  func testSDDMMWithMomentumStoreWritesTheVelocityUpdate() {
    let fold = MomentumFold(momentum: 0.9, weightDecay: 0.01)
    forEachInstructionSet { isa in
      let w = randomCSR(rows: 37, columns: 23, density: 0.4, seed: 40)
      for batch in batches {
        let dY = randomMatrix(rows: 37, columns: batch, seed: UInt64(batch) + 41)
        let x = randomMatrix(rows: 23, columns: batch, seed: UInt64(batch) + 42)
        var g = [Float](repeating: 0, count: w.nonzeroCount)
        SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
        let v0 = (0..<w.nonzeroCount).map { Float($0 % 5) - 2 }
        var v = v0
        SparseKernels.sampledProduct(w.pattern, dY, x, into: &v, store: .momentum(fold, weights: w.values))
        var fused = v0
        let dX = Matrix(rows: 0, columns: 0)
        let (t, source) = w.pattern.transposed()
        SparseKernels.backward(
          transposed: t, values: w.values, valuePositions: source, dY, x, inputGradient: dX, weightGradient: &fused,
          store: .momentum(fold, weights: w.values))
        for k in 0..<w.nonzeroCount {
          let expected = 0.9 * v0[k] + 0.01 * w.values[k] + g[k]
          XCTAssertEqual(v[k], expected, accuracy: 1e-4 * max(1, abs(expected)), "SDDMM \(isa) batch \(batch)")
          XCTAssertEqual(fused[k], expected, accuracy: 1e-4 * max(1, abs(expected)), "fused \(isa) batch \(batch)")
        }
      }
    }
  }

  func testFusedBackwardEqualsDenseInputGradientAndMaskedWeightGradient() {
    forEachInstructionSet { isa in
      for (s, shape) in shapes.enumerated() {
        let w = randomCSR(rows: shape.rows, columns: shape.columns, density: 0.35, seed: UInt64(s) + 30)
        let (t, source) = w.pattern.transposed()
        for batch in batches + [8, 24, 48, 96, 200] {
          let dY = randomMatrix(rows: shape.rows, columns: batch, seed: UInt64(batch) + 7)
          let x = randomMatrix(rows: shape.columns, columns: batch, seed: UInt64(batch) + 8)
          let dX = Matrix(rows: 0, columns: 0)
          var g = [Float](repeating: .nan, count: w.nonzeroCount)
          SparseKernels.backward(
            transposed: t, values: w.values, valuePositions: source, dY, x, inputGradient: dX, weightGradient: &g)
          let expectedDX = Matrix(rows: shape.columns, columns: batch)
          BLAS.gemm(w.dense(), transposeA: true, dY, into: expectedDX)
          assertClose(dX, expectedDX, "dX \(isa) \(shape) batch \(batch)")
          let full = Matrix(rows: shape.rows, columns: shape.columns)
          BLAS.gemm(dY, x, transposeB: true, into: full)
          var k = 0
          for i in 0..<shape.rows {
            for j in w.pattern.columns(ofRow: i) {
              XCTAssertEqual(g[k], full[i, Int(j)], accuracy: 1e-4 * max(1, abs(full[i, Int(j)])), "dW \(isa) \(shape) batch \(batch)")
              k += 1
            }
          }
        }
      }
    }
  }

  func testOnePassBackwardIsChosenOnlyOnAVX512WhereDYFitsHalfOfL2() {
    let limit = SparseKernels.fusedBackwardLimitBytes, batch = 128
    let fits = limit / (batch * 4), tooMany = fits + 1
    forEachInstructionSet { isa in
      XCTAssertEqual(SparseKernels.fusedBackwardPays(outputs: fits, batch: batch), isa == .avx512, "\(isa)")
      XCTAssertFalse(SparseKernels.fusedBackwardPays(outputs: tooMany, batch: batch), "\(isa)")
    }
  }

  func testFusedBackwardPolicyOverridesTheRule() {
    defer { SparseKernels.fusedBackward = .automatic }
    let fits = SparseKernels.fusedBackwardLimitBytes / (128 * 4)
    forEachInstructionSet { isa in
      SparseKernels.fusedBackward = .always
      XCTAssertTrue(SparseKernels.fusedBackwardPays(outputs: fits + 1, batch: 128), "\(isa)")
      SparseKernels.fusedBackward = .never
      XCTAssertFalse(SparseKernels.fusedBackwardPays(outputs: fits, batch: 128), "\(isa)")
    }
  }

  func testKernelsAgreeWhenSplitAcrossThreads() {
    let keep = Parallel.threadCount
    defer { Parallel.threadCount = keep }
    let w = randomCSR(rows: 300, columns: 200, density: 0.2, seed: 7)
    let x = randomMatrix(rows: 200, columns: 33, seed: 8)
    let one = Matrix(rows: 0, columns: 0), two = Matrix(rows: 0, columns: 0)
    Parallel.threadCount = 1
    SparseKernels.multiply(w.pattern, values: w.values, x, into: one)
    Parallel.threadCount = 4
    SparseKernels.multiply(w.pattern, values: w.values, x, into: two)
    XCTAssertEqual(one, two)
  }

  func testRowSumsAreBiasGradient() {
    let dY = Matrix([[1, 2, 3], [-1, 0.5, 0.5]])
    var sums = [Float](repeating: 0, count: 2)
    SparseKernels.rowSums(dY, into: &sums)
    XCTAssertEqual(sums, [6, 0])
  }

  func testStreamingSumOfRowsIsTheirSumOnEveryCodePath() {
    // 7 × 37 = 259 floats: full vector groups and a scalar tail at every width.
    let m = Matrix(rows: 7, columns: 37, elements: (0..<259).map { Float($0 % 11) - 5 })
    let expected = m.elements[37..<(6 * 37)].reduce(0, +)
    forEachInstructionSet { isa in
      XCTAssertEqual(SparseKernels.streamingSum(of: m, rows: 1..<6), expected, "\(isa)")
      XCTAssertEqual(SparseKernels.streamingSum(of: m, rows: 3..<3), 0, "\(isa) empty")
    }
  }
}
