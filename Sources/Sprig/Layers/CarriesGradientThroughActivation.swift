// CarriesGradientThroughActivation: layers whose input-gradient kernel also
// does the backward of the activation before them.

/// A layer whose input-gradient kernel can carry the gradient on through
/// the activation before it (``CarriedActivation``), each row while it is in
/// L1: ``Sequential`` then runs a sparse layer, that activation and this
/// layer's backward as one pass instead of three.
protocol CarriesGradientThroughActivation: Layer {
  /// Whether the backward runs such a kernel now (backend, thread count, and
  /// whether an input gradient is needed at all decide).
  var backwardCarriesThroughActivation: Bool { get }

  /// The backward with its input gradient carried through `activation`:
  /// returns the activation's input gradient, and writes an SReLU's four
  /// sums per unit into `sums` and that gradient's row sums — the bias
  /// gradient of the sparse layer before the activation — into `rowSums`.
  /// `biasGradientDone`: the layer after this one already wrote this
  /// layer's bias gradient. Only where ``backwardCarriesThroughActivation``.
  func backward(
    _ dY: Matrix, carrying activation: CarriedActivation, sums: inout [Float], rowSums: inout [Float],
    biasGradientDone: Bool
  ) -> Matrix
}
