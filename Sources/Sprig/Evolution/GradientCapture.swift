// GradientCapture: one batch's input and output gradient per sparse layer,
// kept for RigL, which scores absent connections by |dY·Xᵀ|.

/// Holds, for each sparse layer, the input `X` (`n_in × B`) and the output
/// gradient `dY` (`n_out × B`) of one training batch: the two factors of the
/// dense weight gradient `dY·Xᵀ`, which ``RigLEvolution`` evaluates block by
/// block instead of storing it (O(n_in·B + n_out·B) memory, not n_in·n_out).
///
/// Fill it with ``capture(model:features:targets:loss:)`` (one extra
/// forward and backward pass on a batch, right before evolution) or, from a
/// layer hook, with ``record(_:input:outputGradient:)``.
public final class GradientCapture {
  private var batches: [ObjectIdentifier: (layer: SparseLinear, input: Matrix, outputGradient: Matrix)] = [:]

  public init() {}

  /// Keeps copies of `layer`'s `input` (`inputSize × B`) and
  /// `outputGradient` (∂L/∂output, `outputSize × B`), replacing earlier ones.
  public func record(_ layer: SparseLinear, input: Matrix, outputGradient: Matrix) {
    precondition(input.rows == layer.inputSize && outputGradient.rows == layer.outputSize && input.columns == outputGradient.columns,
      "GradientCapture: \(input.rows)×\(input.columns) input and \(outputGradient.rows)×\(outputGradient.columns) gradient for \(layer.name)")
    // The layer is kept alive with its entry, so its identifier cannot be reused.
    batches[ObjectIdentifier(layer)] = (layer, input.copy(), outputGradient.copy())
  }

  /// The recorded input and output gradient of `layer`, if any.
  public func batch(for layer: SparseLinear) -> (input: Matrix, outputGradient: Matrix)? {
    batches[ObjectIdentifier(layer)].map { ($0.input, $0.outputGradient) }
  }

  /// Forgets every recorded batch (frees their memory).
  public func removeAll() { batches.removeAll() }

  /// Runs `model` forward (training mode) and backward on one batch and
  /// records every ``SparseLinear``'s input and output gradient.
  ///
  /// Parameter gradients are overwritten as by any backward; call it after
  /// the optimizer step of the batch before evolution, so nothing uses them.
  /// - Parameters:
  ///   - model: the model whose sparse layers are recorded.
  ///   - features: a batch, feature-major (`inputSize × B`).
  ///   - targets: the wanted outputs (`outputSize × B`, one-hot for classes).
  ///   - loss: the training loss (softmax cross-entropy by default).
  public func capture(model: Sequential, features: Matrix, targets: Matrix, loss: some Loss = SoftmaxCrossEntropy()) {
    var inputs: [Matrix] = []
    var h = features
    for layer in model.layers {
      inputs.append(h)
      h = layer.forward(h, training: true)
      // Layer outputs are reused buffers: keep the inputs of sparse layers.
      if layer is SparseLinear { inputs[inputs.count - 1] = inputs[inputs.count - 1].copy() }
    }
    let g = Matrix(rows: 0, columns: 0)
    _ = loss(h, targets, gradient: g)
    var dY = g
    for (index, layer) in model.layers.enumerated().reversed() {
      // Recorded before this layer's backward: dY is ∂L/∂(its output).
      if let sparse = layer as? SparseLinear { record(sparse, input: inputs[index], outputGradient: dY) }
      dY = layer.backward(dY)  // also releases the layer's forward cache
    }
  }
}
