import XCTest

@testable import Sprig

/// The narrow dense kernels (few outputs) equal sgemm's products on every
/// code path, for output counts across the register group of twelve and
/// batches that are not multiples of eight.
final class NarrowDenseKernelTests: XCTestCase {
  // 1000 and 3072 inputs split across two threads; 25 outputs take three passes.
  let shapes = [
    (outputs: 1, inputs: 37), (outputs: 10, inputs: 300), (outputs: 13, inputs: 5), (outputs: 16, inputs: 64),
    (outputs: 25, inputs: 1000), (outputs: 10, inputs: 3072),
  ]
  let batches = [1, 7, 8, 17, 128, 130]

  func testForwardAndGradientsEqualSgemmOnEveryCodePath() {
    let threads = Parallel.threadCount
    defer { Parallel.threadCount = threads }
    for threadCount in [1, 2] {
      Parallel.threadCount = threadCount
      checkEveryCodePath(threads: threadCount)
    }
  }

  private func checkEveryCodePath(threads: Int) {
    forEachInstructionSet { isa in
      for (s, shape) in shapes.enumerated() {
        let w = randomMatrix(rows: shape.outputs, columns: shape.inputs, seed: UInt64(s) + 60)
        let bias = Array(randomMatrix(rows: shape.outputs, columns: 1, seed: UInt64(s) + 61).elements)
        for batch in batches {
          let context = "\(isa) \(shape) batch \(batch), \(threads) threads"
          let x = randomMatrix(rows: shape.inputs, columns: batch, seed: UInt64(batch) + 62)
          let dY = randomMatrix(rows: shape.outputs, columns: batch, seed: UInt64(batch) + 63)

          let y = Matrix(rows: 0, columns: 0), yRef = Matrix(rows: shape.outputs, columns: batch)
          NarrowDenseKernels.forward(weights: Array(w.elements), outputs: shape.outputs, bias: bias, x, into: y)
          BLAS.gemm(w, x, into: yRef)
          for r in 0..<shape.outputs { for b in 0..<batch { yRef[r, b] += bias[r] } }
          assertClose(y, yRef, tolerance: 1e-4, context)

          let dX = Matrix(rows: 0, columns: 0), dXRef = Matrix(rows: shape.inputs, columns: batch)
          NarrowDenseKernels.inputGradient(weights: Array(w.elements), inputs: shape.inputs, dY, into: dX)
          BLAS.gemm(w, transposeA: true, dY, into: dXRef)
          assertClose(dX, dXRef, tolerance: 1e-4, context)

          var dW = [Float](repeating: .nan, count: shape.outputs * shape.inputs)
          let dWRef = Matrix(rows: shape.outputs, columns: shape.inputs)
          NarrowDenseKernels.weightGradient(dY, x, into: &dW)
          BLAS.gemm(dY, x, transposeB: true, into: dWRef)
          assertClose(Matrix(rows: shape.outputs, columns: shape.inputs, elements: dW), dWRef, tolerance: 1e-4, context)
        }
      }
    }
  }
}
