// StepColumns: a recurrent cell's per-step matrices side by side, so one SDDMM sums a weight gradient over the sequence.

/// `steps` matrices of `rows × B` held as one `rows × steps·B` matrix,
/// step `t` in columns `[t·B, (t+1)·B)`: row `r` is row `r` of step 0, then
/// of step 1, and so on.
///
/// A cell's weight gradient is `Σ_t A_t·z_tᵀ`, which is `A·Zᵀ` for the
/// stacked `A` and `Z`. One SDDMM over the stacks computes it, and it must
/// be one: while SGD's momentum is folded in (``MomentumFold``) the kernel
/// advances the velocity, so a call per step would advance it per step.
final class StepColumns {
  /// The stacked matrix, `rows × steps·B`.
  let matrix = Matrix(rows: 0, columns: 0)
  private var batch = 0

  /// Sizes the stack for `steps` steps of `rows × batch` (allocating only when the size changes).
  func prepare(rows: Int, steps: Int, batch: Int) {
    self.batch = batch
    matrix.reshape(rows: rows, columns: steps * batch)
  }

  /// Copies `m` (`rows × B`) into step `t`'s columns.
  func store(_ m: Matrix, step t: Int) {
    let (rows, width, b) = (matrix.rows, matrix.columns, batch)
    precondition(m.rows == rows && m.columns == b && (t + 1) * b <= width, "StepColumns: step \(t) of \(m.rows)×\(m.columns)")
    guard rows * b > 0 else { return }
    m.elements.withUnsafeBufferPointer { src in
      matrix.elements.withUnsafeMutableBufferPointer { dst in
        for r in 0..<rows { (dst.baseAddress! + r * width + t * b).update(from: src.baseAddress! + r * b, count: b) }
      }
    }
  }

  /// Copies step `t`'s columns into `m` (reshaped to `rows × B`).
  func load(step t: Int, into m: Matrix) {
    let (rows, width, b) = (matrix.rows, matrix.columns, batch)
    m.reshape(rows: rows, columns: b)
    guard rows * b > 0 else { return }
    matrix.elements.withUnsafeBufferPointer { src in
      m.elements.withUnsafeMutableBufferPointer { dst in
        for r in 0..<rows { (dst.baseAddress! + r * b).update(from: src.baseAddress! + r * width + t * b, count: b) }
      }
    }
  }
}
