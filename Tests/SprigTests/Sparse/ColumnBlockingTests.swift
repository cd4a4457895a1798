import XCTest
@testable import Sprig

/// The kernels with W's columns taken in blocks (what layers with inputs
/// too large for the cache run), forced on the small test shapes by a tiny
/// block size.
final class ColumnBlockingTests: XCTestCase {
  /// 64 bytes: at least two blocks for every test shape and batch above 16 floats of input.
  let tinyBlock = 64

  override func tearDown() {
    ColumnBlocking.blockBytes = 8 << 20
    ColumnBlocking.mode = .adaptive
    ColumnBlocking.resetTimings()
    SparseKernels.instructionSet = SparseKernels.detectedInstructionSet
  }

  /// Runs `body` with layers wide above `bytes` and `mode`, then restores both.
  func blocked<R>(_ bytes: Int, mode: ColumnBlocking.Mode = .always, _ body: () -> R) -> R {
    let keep = (ColumnBlocking.blockBytes, ColumnBlocking.mode)
    defer { (ColumnBlocking.blockBytes, ColumnBlocking.mode) = keep }
    (ColumnBlocking.blockBytes, ColumnBlocking.mode) = (bytes, mode)
    return body()
  }

  func testBlocksCoverEveryColumnWithinTheBudget() {
    blocked(8 << 20) {
      let ends = ColumnBlocking.blockEnds(columns: 100_000, batch: 128)
      XCTAssertEqual(ends.count, 7)  // 51.2 MB in blocks of at most 8 MiB
      XCTAssertEqual(ends.last, 100_000)
      var start = 0
      for end in ends {
        XCTAssertLessThanOrEqual((end - start) * 128 * 4, 8 << 20)
        XCTAssertGreaterThan(end, start)
        start = end
      }
      XCTAssertEqual(ColumnBlocking.blockEnds(columns: 4000, batch: 128), [4000], "2 MB fits one block")
    }
    blocked(0) { XCTAssertEqual(ColumnBlocking.blockEnds(columns: 100_000, batch: 128), [100_000], "0 is off") }
  }

  func testBlockedForwardEqualsDenseReferenceOnEveryCodePath() {
    forEachKernelCase(seed: 60) { context, w, batch in
      let bias = (0..<w.rows).map { Float($0 % 3) - 1 }
      let x = randomMatrix(rows: w.columns, columns: batch, seed: UInt64(batch) + 61)
      let expected = Matrix(rows: w.rows, columns: batch)
      BLAS.gemm(w.dense(), x, into: expected)
      for i in 0..<w.rows { for j in 0..<batch { expected[i, j] += bias[i] } }
      let y = Matrix(rows: 0, columns: 0), rectified = Matrix(rows: 0, columns: 0)
      blocked(tinyBlock) {
        SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: y)
        SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: rectified, rectified: true)
      }
      assertClose(y, expected, context)
      // The ReLU runs once, on the finished sums of the last block.
      XCTAssertEqual(rectified.elements.map { $0 }, y.elements.map { $0 > 0 ? $0 : 0 }, context)
    }
  }

  func testBlockedBackwardEqualsDenseReferenceThroughAReLUWithRowSums() {
    forEachTransposedKernelCase(seed: 70) { context, w, t, source, batch in
      let dY = randomMatrix(rows: w.rows, columns: batch, seed: UInt64(batch) + 71)
      let mask = randomMatrix(rows: w.columns, columns: batch, seed: UInt64(batch) + 72)
      ElementwiseKernels.reluInPlace(mask)
      let product = Matrix(rows: w.columns, columns: batch), expected = Matrix(rows: w.columns, columns: batch)
      BLAS.gemm(w.dense(), transposeA: true, dY, into: product)
      ElementwiseKernels.reluBackward(mask, product, into: expected)
      let dX = Matrix(rows: 0, columns: 0), masked = Matrix(rows: 0, columns: 0)
      var sums = [Float](repeating: .nan, count: w.columns)
      blocked(tinyBlock) {
        SparseKernels.multiply(t, values: w.values, valuePositions: source, dY, into: dX)
        SparseKernels.multiply(t, values: w.values, valuePositions: source, dY, maskedBy: mask, into: masked, rowSums: &sums)
      }
      assertClose(dX, product, context)
      assertClose(masked, expected, context)
      for r in 0..<w.columns {
        let sum = (0..<batch).reduce(Float(0)) { $0 + masked[r, $1] }
        XCTAssertEqual(sums[r], sum, accuracy: 1e-4 * max(1, abs(sum)), context)
      }
    }
  }

  func testBlockedBackwardThroughDropoutAndSReLUGivesTheUnblockedBits() {
    forEachTransposedKernelCase(seed: 80) { context, w, t, source, batch in
      let srelu = randomSReLUShape(units: w.columns, seed: UInt64(w.columns) + 81)
      let dY = randomMatrix(rows: w.rows, columns: batch, seed: UInt64(batch) + 82)
      let z = randomMatrix(rows: w.columns, columns: batch, seed: UInt64(batch) + 83)
      let mask = DropoutMask(seed: 84, keep: 0.7)
      ElementwiseKernels.dropout(z, into: Matrix(rows: w.columns, columns: batch), mask: mask)  // draws the decisions
      func run() -> (Matrix, [Float], [Float]) {
        let dX = Matrix(rows: 0, columns: 0)
        var sums: [Float] = [], rowSums = [Float](repeating: .nan, count: w.columns)
        SparseKernels.multiply(
          t, values: w.values, valuePositions: source, dY, into: dX, throughDropout: mask, srelu: srelu, input: z,
          sums: &sums, rowSums: &rowSums)
        return (dX, sums, rowSums)
      }
      let (dX, sums, rowSums) = blocked(tinyBlock, run)
      let (expectedDX, expectedSums, expectedRowSums) = blocked(tinyBlock, mode: .never, run)
      XCTAssertEqual(dX, expectedDX, context)
      XCTAssertEqual(sums, expectedSums, context)
      XCTAssertEqual(rowSums, expectedRowSums, context)
    }
  }

  func testBlockedSDDMMWritesEveryConnectionsVelocityUpdateOnEveryCodePath() {
    let fold = MomentumFold(momentum: 0.9, weightDecay: 0.01)
    forEachKernelCase(seed: 90, density: 0.4) { context, w, batch in
      let dY = randomMatrix(rows: w.rows, columns: batch, seed: UInt64(batch) + 91)
      let x = randomMatrix(rows: w.columns, columns: batch, seed: UInt64(batch) + 92)
      let full = Matrix(rows: w.rows, columns: w.columns)
      BLAS.gemm(dY, x, transposeB: true, into: full)
      let v0 = (0..<w.nonzeroCount).map { Float($0 % 5) - 2 }
      var v = v0
      blocked(tinyBlock) {
        SparseKernels.sampledProduct(w.pattern, dY, x, into: &v, store: .momentum(fold, weights: w.values))
      }
      var k = 0
      for i in 0..<w.rows {
        for j in w.pattern.columns(ofRow: i) {
          let expected = 0.9 * v0[k] + 0.01 * w.values[k] + full[i, Int(j)]
          XCTAssertEqual(v[k], expected, accuracy: 1e-4 * max(1, abs(expected)), context)
          k += 1
        }
      }
    }
  }

  func testBlockedKernelsGiveTheSameBitsOnOneAndFourThreads() {
    let keep = Parallel.threadCount
    defer { Parallel.threadCount = keep }
    let w = randomCSR(rows: 300, columns: 200, density: 0.2, seed: 100)
    let x = randomMatrix(rows: 200, columns: 33, seed: 101), dY = randomMatrix(rows: 300, columns: 33, seed: 102)
    func run(threads: Int) -> (Matrix, [Float]) {
      Parallel.threadCount = threads
      let y = Matrix(rows: 0, columns: 0)
      var g = [Float](repeating: 0, count: w.nonzeroCount)
      blocked(4096) {  // 200 × 33 floats in 7 blocks
        SparseKernels.multiply(w.pattern, values: w.values, x, into: y)
        SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
      }
      return (y, g)
    }
    let (y1, g1) = run(threads: 1), (y4, g4) = run(threads: 4)
    XCTAssertEqual(y1, y4)
    XCTAssertEqual(g1, g4)
    XCTAssertEqual(blocked(4096) { ColumnBlocking.blockEnds(columns: 200, batch: 33).count }, 7)
  }

  func testBlockedForwardAndSDDMMGiveTheUnblockedBitsOnEveryCodePath() {
    let fold = MomentumFold(momentum: 0.9, weightDecay: 0.01)
    forEachKernelCase(seed: 110, density: 0.4) { context, w, batch in
      let bias = (0..<w.rows).map { Float($0 % 3) - 1 }
      let x = randomMatrix(rows: w.columns, columns: batch, seed: UInt64(batch) + 111)
      let dY = randomMatrix(rows: w.rows, columns: batch, seed: UInt64(batch) + 112)
      func run() -> (Matrix, [Float]) {
        let y = Matrix(rows: 0, columns: 0)
        var v = (0..<w.nonzeroCount).map { Float($0 % 5) - 2 }
        SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: y, rectified: true)
        SparseKernels.sampledProduct(w.pattern, dY, x, into: &v, store: .momentum(fold, weights: w.values))
        return (y, v)
      }
      let (y, v) = blocked(tinyBlock, run), (yWhole, vWhole) = blocked(tinyBlock, mode: .never, run)
      XCTAssertEqual(y, yWhole, context)
      XCTAssertEqual(v, vWhole, context)
    }
  }

  func testAdaptiveModeTimesBothFormsThenRunsTheFasterAndRetimesTheOther() {
    ColumnBlocking.mode = .adaptive
    ColumnBlocking.resetTimings()
    let key = ColumnBlocking.TimingKey(kernel: .forward, rows: 10, columns: 10, nonzeros: 5, batch: 4)
    XCTAssertTrue(ColumnBlocking.chooseBlocks(for: key), "first call: blocked")
    ColumnBlocking.record(2, blocked: true, for: key)
    XCTAssertFalse(ColumnBlocking.chooseBlocks(for: key), "second call: one block")
    ColumnBlocking.record(1, blocked: false, for: key)
    var choices: [Bool] = []
    for _ in 3...ColumnBlocking.retimingInterval { choices.append(ColumnBlocking.chooseBlocks(for: key)) }
    XCTAssertEqual(choices, Array(repeating: false, count: choices.count - 1) + [true], "the faster, then a re-timing")
    ColumnBlocking.record(0.5, blocked: true, for: key)  // blocked is now (2 + 0.5) / 2 = 1.25
    XCTAssertFalse(ColumnBlocking.chooseBlocks(for: key))
    ColumnBlocking.record(2, blocked: false, for: key)  // one block (1 + 2) / 2 = 1.5
    XCTAssertTrue(ColumnBlocking.chooseBlocks(for: key))
    XCTAssertEqual(ColumnBlocking.timings(for: key)?.blocked, 1.25)
  }

  func testAdaptiveModeGivesTheSameTrainingResultAsEitherForm() {
    // A wide layer (tiny blocks) trained a few steps under each mode: the
    // adaptive choices, whichever they are, change no bit.
    func train(_ mode: ColumnBlocking.Mode) -> [Float] {
      blocked(tinyBlock, mode: mode) {
        var rng = SeededGenerator(seed: 120)
        let layer = SparseLinear(pattern: randomPattern(rows: 30, columns: 40, density: 0.3, seed: 121), using: &rng)
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        for step in 0..<20 {
          let x = randomMatrix(rows: 40, columns: 9, seed: UInt64(step) + 122)
          let y = layer.forward(x, training: true)
          _ = layer.backward(y)  // the gradient of ½‖y‖²
          sgd.step(layer.parameters)
        }
        return layer.weight.value
      }
    }
    let adaptive = train(.adaptive)
    XCTAssertEqual(adaptive, train(.always))
    XCTAssertEqual(adaptive, train(.never))
  }
}
