@testable import Sprig

/// Runs `body` once per instruction set this CPU can execute, the sparse
/// kernels forced to it, and then restores the detected one.
func forEachInstructionSet(_ body: (InstructionSet) -> Void) {
  defer { SparseKernels.instructionSet = SparseKernels.detectedInstructionSet }
  for isa in InstructionSet.allCases {
    SparseKernels.instructionSet = isa
    guard SparseKernels.instructionSet == isa else { continue }  // the CPU lacks it
    body(isa)
  }
}

/// The shapes and batches the sparse kernel tests cover: `randomPattern`
/// gives them empty and single-connection rows, and most batches are not
/// multiples of the kernels' 16-column tiles.
let kernelTestShapes = [(rows: 37, columns: 23), (rows: 64, columns: 130), (rows: 5, columns: 1)]
let kernelTestBatches = [1, 7, 16, 17, 64, 128, 130]

/// Runs `body` on every instruction set, test shape and batch with a random
/// `W` (`density` dense, seeded by `seed` and the shape).
func forEachKernelCase(
  seed: UInt64, density: Double = 0.3, _ body: (_ context: String, _ w: CSRMatrix, _ batch: Int) -> Void
) {
  forEachInstructionSet { isa in
    for (s, shape) in kernelTestShapes.enumerated() {
      let w = randomCSR(rows: shape.rows, columns: shape.columns, density: density, seed: UInt64(s) + seed)
      for batch in kernelTestBatches { body("\(isa) \(shape) batch \(batch)", w, batch) }
    }
  }
}

/// ``forEachKernelCase(seed:density:_:)`` at 30 % with W's transposed
/// pattern `t` and the value positions `source`: the cases of the backward
/// SpMM's tests.
func forEachTransposedKernelCase(
  seed: UInt64,
  _ body: (_ context: String, _ w: CSRMatrix, _ t: SparsityPattern, _ source: [Int32], _ batch: Int) -> Void
) {
  forEachKernelCase(seed: seed) { context, w, batch in
    let (t, source) = w.pattern.transposed()
    body(context, w, t, source, batch)
  }
}
