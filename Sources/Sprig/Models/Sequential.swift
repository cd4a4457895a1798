// Sequential: a stack of layers run one after another.

/// A model that applies its layers in order.
///
/// The first layer is told it needs no input gradient (nothing consumes
/// it), which saves the largest backward SpMM of a sparse MLP.
public final class Sequential {
  /// The layers, first to last.
  public let layers: [Layer]
  /// The description the model was built from, if it was (``init(description:seed:source:)``).
  var storedDescription: ModelDescription?
  /// The local windows of each locally connected layer, for evolution
  /// that regrows inside them (`set-local`); filled by the description builder.
  public internal(set) var localWindows: [(layer: SparseLinear, windows: LocalWindows)] = []
  /// SET's ζ for the sparse matrices whose layer description sets its own
  /// (`zeta`), by matrix; the others take the training's.
  public internal(set) var zetaOverrides: [ObjectIdentifier: Double] = [:]

  /// A model over `layers`; each layer's input size must match the previous output size.
  public init(_ layers: [Layer]) {
    precondition(!layers.isEmpty, "Sequential needs at least one layer")
    for (a, b) in zip(layers, layers.dropFirst()) {
      precondition(a.outputSize == b.inputSize, "Sequential: \(a.name) outputs \(a.outputSize), \(b.name) takes \(b.inputSize)")
    }
    self.layers = layers
    layers[0].needsInputGradient = false
  }

  /// Input features.
  /// A view on some layers of another model, leaving every layer's
  /// `needsInputGradient` as that model set it (a VAE's decoder, a GAN's
  /// generator and discriminator share their layers with the whole model).
  init(viewing layers: [Layer]) {
    precondition(!layers.isEmpty, "Sequential needs at least one layer")
    self.layers = layers
  }

  public var inputSize: Int { layers[0].inputSize }
  /// Output features.
  public var outputSize: Int { layers[layers.count - 1].outputSize }

  /// Every trainable parameter, layer by layer.
  public var parameters: [Parameter] { layers.flatMap { $0.parameters } }

  /// The sparse matrices, which evolution rewires: every sparse layer's,
  /// and those held inside other layers (``HasSparseLayers``), in layer order.
  public var sparseLayers: [SparseLinear] { layers.flatMap { ($0 as? HasSparseLayers)?.sparseLayers ?? [] } }

  /// Runs `x` (`inputSize × batch`) through every layer.
  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    var h = x
    var i = 0
    while i < layers.count {
      // A sparse layer followed by a ReLU rectifies its rows in the kernel
      // while they are in L1: the ReLU's own pass over the output cost 3 % of
      // a sparse CIFAR-10 step. Same values and gradients as unfused.
      if i + 1 < layers.count, let sparse = layers[i] as? SparseLinear,
        let relu = layers[i + 1] as? ReLU
      {
        h = relu.forward(rectified: sparse.forward(h, training: training, rectified: true), training: training)
        i += 2
      } else if i + 1 < layers.count, let sparse = layers[i] as? SparseLinear, sparse.backend == .sprig,
        let srelu = layers[i + 1] as? SReLU
      {
        // The same for an SReLU and the dropout after it (the SET paper's
        // settings): their passes cost 10 % of that CIFAR-10 step.
        let dropout = i + 2 < layers.count ? layers[i + 2] as? Dropout : nil
        let drop = dropout?.forwardFused(training: training)
        let activated = drop?.output ?? srelu.fusedOutput
        let z = sparse.forward(h, training: training, activating: activated, srelu: srelu.shape, dropout: drop?.mask)
        srelu.forward(fusedFrom: z, training: training)
        h = activated
        i += dropout == nil ? 2 : 3  // an inactive dropout is the identity
      } else {
        h = layers[i].forward(h, training: training)
        i += 1
      }
    }
    return h
  }

  /// Backpropagates ∂L/∂output through every layer, writing parameter gradients.
  /// Returns the gradient with respect to the input when the first layer
  /// computes one (`needsInputGradient`: a GAN's discriminator feeding its
  /// generator), else a placeholder.
  @discardableResult
  public func backward(_ outputGradient: Matrix) -> Matrix {
    var g = outputGradient
    var i = layers.count - 1
    var biasGradientDone = false  // layers[i]'s, written by the layer after it
    while i >= 0 {
      // Sparse, ReLU, sparse (or a narrow dense layer): the last one's
      // input-gradient kernel does the ReLU's backward and the first one's
      // bias sums while each row is in L1 (the separate passes over the
      // 4000-wide gradients cost 4 % of a sparse CIFAR-10 step); the same
      // through an SReLU and the dropout after it, the kernel writing the
      // SReLU's sums. Same values as layer by layer.
      if let run = carriedRun(endingAt: i) {
        switch run.activation {
        case .relu(let relu):
          var noSums: [Float] = []
          let dZ = run.after.backward(
            g, carrying: .relu, sums: &noSums, rowSums: &run.before.bias.gradient, biasGradientDone: biasGradientDone)
          g = relu.backward(alreadyMasked: dZ)
        case .srelu(let srelu, let dropout):
          let carried = CarriedActivation.srelu(
            srelu.shape, input: srelu.inputForFusedBackward(), dropout: dropout?.backwardFused())
          let dZ = run.after.backward(
            g, carrying: carried, sums: &srelu.sums, rowSums: &run.before.bias.gradient,
            biasGradientDone: biasGradientDone)
          g = srelu.backward(fused: dZ)
        }
        (i, biasGradientDone) = (run.beforeIndex, true)
      } else {
        if biasGradientDone, let sparse = layers[i] as? SparseLinear {
          g = sparse.backward(g, biasGradientDone: true)
        } else {
          g = layers[i].backward(g)
        }
        (i, biasGradientDone) = (i - 1, false)
      }
    }
    return g
  }

  /// The activation layers a carried backward runs through.
  private enum CarriedLayers {
    case relu(ReLU)
    case srelu(SReLU, Dropout?)
  }

  /// When layers `...i` end in sparse, activation, layer and that last
  /// layer's backward can carry the gradient through the activation (a
  /// ReLU, or an SReLU and possibly a dropout after it): the last layer, the
  /// activation, and the sparse layer before it with its index.
  private func carriedRun(endingAt i: Int)
    -> (after: CarriesGradientThroughActivation, activation: CarriedLayers, before: SparseLinear, beforeIndex: Int)?
  {
    guard let after = layers[i] as? CarriesGradientThroughActivation, after.backwardCarriesThroughActivation, i >= 2
    else { return nil }
    var j = i - 1
    let activation: CarriedLayers
    if let relu = layers[j] as? ReLU {
      activation = .relu(relu)
    } else {
      let dropout = layers[j] as? Dropout
      if dropout != nil { j -= 1 }
      guard j >= 1, let srelu = layers[j] as? SReLU else { return nil }
      activation = .srelu(srelu, dropout)
    }
    guard let before = layers[j - 1] as? SparseLinear else { return nil }
    return (after, activation, before, j - 1)
  }

  /// The first layer whose output on `x` holds NaN or ±Inf, with its index:
  /// the diagnosis when a training loss stops being finite.
  public func firstNonFiniteLayer(on x: Matrix) -> (index: Int, layer: Layer)? {
    if let culprit = firstNonFiniteParameterLayer() { return culprit }
    var h = x
    for (i, layer) in layers.enumerated() {
      h = layer.forward(h, training: false)
      if !h.isFinite { return (i, layer) }
    }
    return nil
  }

  /// The first layer holding a NaN or infinite parameter.
  public func firstNonFiniteParameterLayer() -> (index: Int, layer: Layer)? {
    for (i, layer) in layers.enumerated() where layer.parameters.contains(where: { !$0.value.allSatisfy(\.isFinite) }) {
      return (i, layer)
    }
    return nil
  }

  /// The number of trainable values.
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

  /// Connections: the stored weights of every layer — a sparse layer's
  /// connections, all weights of dense, convolution and recurrent layers
  /// (the parameters that decay; biases and activation parameters do not
  /// count).
  public var connectionCount: Int {
    layers.reduce(0) { n, layer in
      let sparse = (layer as? HasSparseLayers)?.sparseLayers ?? []
      let held = Set(sparse.flatMap(\.parameters).map(ObjectIdentifier.init))
      let dense = layer.parameters.filter { $0.decays && !held.contains(ObjectIdentifier($0)) }
      return n + sparse.reduce(0) { $0 + $1.connectionCount } + dense.reduce(0) { $0 + $1.count }
    }
  }
}
