// HasSparseLayers: the layers whose weights include sparse matrices that evolution rewires.

/// A layer that holds one or more ``SparseLinear`` matrices: a sparse layer
/// itself, or a layer that applies sparse matrices inside (a sparse
/// convolution's kernel on im2col columns, a sparse recurrent cell's gates).
///
/// ``Sequential/sparseLayers`` collects them, so evolution, connection
/// counts, degree records and checkpoints reach every sparse matrix of a
/// model the same way, whatever layer holds it.
public protocol HasSparseLayers: Layer {
  /// The sparse matrices, in a fixed order.
  var sparseLayers: [SparseLinear] { get }
}

extension SparseLinear: HasSparseLayers {
  /// Itself.
  public var sparseLayers: [SparseLinear] { [self] }
}
