// SparseKernelInput: the dense operands the sparse SpMMs read.

/// What the sparse SpMMs read as their dense operand: a ``Matrix`` (FP32)
/// or a ``BFloat16Matrix``, feature-major.
public protocol SparseKernelInput: AnyObject {
  /// Features (the SpMM's inner dimension).
  var rows: Int { get }
  /// Samples (the batch).
  var columns: Int { get }
}

extension Matrix: SparseKernelInput {}
