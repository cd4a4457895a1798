// Autoencoder: an encoder and a decoder trained to reproduce their input, with the sparse and denoising variants.

/// The parts of an autoencoder's loss on one batch.
public struct AutoencoderLoss: Equatable, Sendable {
  /// The mean squared reconstruction error, averaged over all elements.
  public var reconstruction: Float
  /// The L1 activity penalty on the code, `λ·(1/B) Σ |h|` (0 without sparsity).
  public var codePenalty: Float
  /// `reconstruction + codePenalty`, what training minimises.
  public var total: Float { reconstruction + codePenalty }
}

/// An autoencoder: `x̂ = decoder(encoder(x̃))`, trained to make `x̂` close
/// to the clean `x`:
///
///     L = (1/(n·B)) Σ (x̂ − x)²  +  λ·(1/B) Σ_{code units, samples} |h|
///
/// Three classic variants, combinable:
/// - **undercomplete**: a code smaller than the input, no penalty, `x̃ = x`;
/// - **sparse**: `codePenalty` λ > 0 adds the L1 activity penalty on the
///   code `h = encoder(x̃)`, whose subgradient `λ·sign(h)/B` joins ∂L/∂h;
/// - **denoising**: a `corruption` turns `x` into `x̃` before encoding.
///
/// Encoder and decoder are ordinary ``Sequential`` models, so their layers
/// may be ``SparseLinear`` and evolve with SET (see
/// ``fit(_:epochs:batchSize:optimizer:evolution:seed:progress:)``).
public final class Autoencoder {
  /// Input → code.
  public let encoder: Sequential
  /// Code → reconstruction.
  public let decoder: Sequential
  /// λ of the L1 code penalty (0: none).
  public var codePenalty: Float
  /// The input noise of a denoising autoencoder (nil: none).
  public var corruption: InputCorruption?

  private let loss = MeanSquaredError()
  private let corrupted = Matrix(rows: 0, columns: 0)
  private let reconstructionGradient = Matrix(rows: 0, columns: 0)
  private let codeGradient = Matrix(rows: 0, columns: 0)

  /// An autoencoder over the given halves; the decoder must take the encoder's output and return its input size.
  public init(encoder: Sequential, decoder: Sequential, codePenalty: Float = 0, corruption: InputCorruption? = nil) {
    precondition(encoder.outputSize == decoder.inputSize, "Autoencoder: the code has \(encoder.outputSize) units, the decoder takes \(decoder.inputSize)")
    precondition(decoder.outputSize == encoder.inputSize, "Autoencoder: the decoder returns \(decoder.outputSize) features for \(encoder.inputSize) inputs")
    precondition(codePenalty >= 0, "Autoencoder: codePenalty must be non-negative")
    self.encoder = encoder
    self.decoder = decoder
    self.codePenalty = codePenalty
    self.corruption = corruption
    // Sequential spares its first layer the input gradient; the decoder's is the code's gradient, which the encoder needs.
    decoder.layers[0].needsInputGradient = true
  }

  /// A symmetric multilayer autoencoder: `inputSize → hiddenSizes… → codeSize → …reversed → inputSize`.
  ///
  /// - Parameters:
  ///   - epsilon: when given, every layer whose Erdős–Rényi density at this
  ///     ε stays below 0.5 is a ``SparseLinear`` (SET's ε); others are dense.
  ///   - activation: after each hidden layer.
  ///   - codeActivation: after the code layer (`.relu` or `.sigmoid` suit a sparse code).
  ///   - outputActivation: after the last layer (`.linear` for standardised
  ///     inputs, `.sigmoid` for pixels in [0, 1]).
  ///   - seed: fixes topology and weights.
  public convenience init(
    inputSize: Int, hiddenSizes: [Int] = [], codeSize: Int, epsilon: Double? = nil,
    activation: ActivationKind = .relu, codeActivation: ActivationKind = .relu, outputActivation: ActivationKind = .linear,
    codePenalty: Float = 0, corruption: InputCorruption? = nil, seed: UInt64
  ) {
    var rng = SeededGenerator(seed: seed)
    func stack(_ sizes: [Int], activations: [ActivationKind]) -> Sequential {
      var layers: [Layer] = []
      for (index, (n, m)) in zip(sizes, sizes.dropFirst()).enumerated() {
        if let epsilon, ErdosRenyiTopology.density(epsilon: epsilon, inputSize: n, outputSize: m) < 0.5 {
          layers.append(SparseLinear(inputSize: n, outputSize: m, epsilon: epsilon, using: &rng))
        } else {
          layers.append(Linear(inputSize: n, outputSize: m, using: &rng))
        }
        if activations[index] != .linear { layers.append(activations[index].makeLayer(size: m)) }
      }
      return Sequential(layers)
    }
    let down = [inputSize] + hiddenSizes + [codeSize]
    let encoder = stack(down, activations: hiddenSizes.map { _ in activation } + [codeActivation])
    let decoder = stack(down.reversed(), activations: hiddenSizes.map { _ in activation } + [outputActivation])
    self.init(encoder: encoder, decoder: decoder, codePenalty: codePenalty, corruption: corruption)
  }

  /// Input features.
  public var inputSize: Int { encoder.inputSize }
  /// Code units.
  public var codeSize: Int { encoder.outputSize }
  /// Every trainable parameter, encoder first.
  public var parameters: [Parameter] { encoder.parameters + decoder.parameters }
  /// The sparse layers of both halves, which evolution rewires.
  public var sparseLayers: [SparseLinear] { encoder.sparseLayers + decoder.sparseLayers }

  /// The code of `x` (`inputSize × B` → `codeSize × B`), without corruption.
  public func encode(_ x: Matrix) -> Matrix { encoder.forward(x, training: false) }

  /// The reconstruction of `x`, without corruption.
  public func reconstruct(_ x: Matrix) -> Matrix { decoder.forward(encoder.forward(x, training: false), training: false) }

  /// Runs one training pass on the batch `x` (`inputSize × B`): corrupts it
  /// (drawing from `rng`), encodes, decodes, measures the loss and
  /// backpropagates, overwriting every parameter's gradient.
  public func computeLossAndGradients(_ x: Matrix, using rng: inout SeededGenerator) -> AutoencoderLoss {
    precondition(x.rows == inputSize, "Autoencoder: input has \(x.rows) features, expected \(inputSize)")
    var input = x
    if let corruption {
      corruption.apply(to: x, into: corrupted, using: &rng)
      input = corrupted
    }
    let code = encoder.forward(input, training: true)
    let reconstruction = decoder.forward(code, training: true)
    let error = loss(reconstruction, x, gradient: reconstructionGradient)
    var dCode = decoder.layers.reversed().reduce(reconstructionGradient) { g, layer in layer.backward(g) }
    var penalty: Float = 0
    if codePenalty > 0 {
      // L1 activity penalty: λ/B Σ|h|, subgradient λ·sign(h)/B (0 at h = 0).
      let b = code.columns
      let scale = codePenalty / Float(b)
      codeGradient.reshape(rows: code.rows, columns: b)
      var sum = 0.0
      code.elements.withUnsafeBufferPointer { h in
        dCode.elements.withUnsafeBufferPointer { d in
          codeGradient.elements.withUnsafeMutableBufferPointer { g in
            for k in 0..<h.count {
              sum += Double(abs(h[k]))
              g[k] = d[k] + (h[k] > 0 ? scale : h[k] < 0 ? -scale : 0)
            }
          }
        }
      }
      penalty = Float(sum) * scale
      dCode = codeGradient
    }
    encoder.backward(dCode)
    return AutoencoderLoss(reconstruction: error, codePenalty: penalty)
  }
}
