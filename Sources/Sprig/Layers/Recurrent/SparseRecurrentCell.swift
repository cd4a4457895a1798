// SparseRecurrentCell: recurrent cells whose weight matrices are sparse, reached by evolution through Recurrent.

/// A ``RecurrentCell`` whose weight matrices are ``SparseLinear``s
/// (``SparseLSTMCell``, ``SparseGRUCell``).
///
/// Unlike a dense cell, its backward writes each matrix's weight gradient
/// once, at step 0, as the sum over every step (one SDDMM over the steps
/// side by side, see `StepColumns`) instead of adding a step at a time:
/// while SGD's momentum is folded in, that kernel advances the velocity, so
/// it may run only once per training step. Biases are still added step by
/// step. ``Recurrent``'s zeroing of the gradients before a sequence leaves
/// a folded velocity alone (the gradient array is then empty).
public protocol SparseRecurrentCell: RecurrentCell {
  /// The sparse matrices, in a fixed order; their parameters are the cell's weights and biases.
  var sparseLayers: [SparseLinear] { get }
}

extension Recurrent: HasSparseLayers {
  /// The cell's sparse matrices, when it is a ``SparseRecurrentCell``; none otherwise.
  public var sparseLayers: [SparseLinear] { (cell as? SparseRecurrentCell)?.sparseLayers ?? [] }
}

/// Adds each row's sum of `m` (`rows × B`) to `sums`: a bias gradient, step by step.
func addRowSums(of m: Matrix, to sums: inout [Float]) {
  let b = m.columns
  precondition(sums.count == m.rows)
  m.elements.withUnsafeBufferPointer { p in
    sums.withUnsafeMutableBufferPointer { s in
      for r in 0..<s.count {
        var total: Float = 0
        for j in 0..<b { total += p[r * b + j] }
        s[r] += total
      }
    }
  }
}
