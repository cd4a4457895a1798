// ActivationKind: every activation by the name a command line uses.

/// The activations Sprig provides, named as on a command line
/// (`--activation leaky-relu`), each with a factory for its layer.
public enum ActivationKind: String, CaseIterable, Codable, Sendable {
  /// ``Identity``.
  case linear
  /// ``Step`` (forward only: its backward returns zeros).
  case step
  /// ``Sigmoid``.
  case sigmoid
  /// ``Tanh``.
  case tanh
  /// ``ReLU``.
  case relu
  /// ``LeakyReLU`` with slope 0.01.
  case leakyReLU = "leaky-relu"
  /// ``PReLU`` with slopes starting at 0.25.
  case prelu
  /// ``ELU`` with α = 1.
  case elu
  /// ``SELU``.
  case selu
  /// ``Softplus``.
  case softplus
  /// ``Swish`` with β = 1 fixed (SiLU); build ``Swish`` directly to learn β.
  case swish
  /// ``Mish``.
  case mish
  /// ``SReLU`` with its documented leaky-ReLU start.
  case srelu
  /// ``Softmax`` over each sample's features.
  case softmax

  /// A new layer of this kind over `size` features, with default settings.
  public func makeLayer(size: Int) -> Layer {
    switch self {
    case .linear: return Identity(size: size)
    case .step: return Step(size: size)
    case .sigmoid: return Sigmoid(size: size)
    case .tanh: return Tanh(size: size)
    case .relu: return ReLU(size: size)
    case .leakyReLU: return LeakyReLU(size: size)
    case .prelu: return PReLU(size: size)
    case .elu: return ELU(size: size)
    case .selu: return SELU(size: size)
    case .softplus: return Softplus(size: size)
    case .swish: return Swish(size: size)
    case .mish: return Mish(size: size)
    case .srelu: return SReLU(size: size)
    case .softmax: return Softmax(size: size)
    }
  }
}
