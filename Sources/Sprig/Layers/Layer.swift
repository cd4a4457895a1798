// Layer: the protocol every layer implements (explicit forward and backward).

/// A network layer with an explicit forward and its mirror backward.
///
/// Activations are feature-major (`features × batch`, see ``Matrix``).
/// `forward` computes the output and, when training, caches what `backward`
/// needs; `backward` takes ∂L/∂output, accumulates nothing (it overwrites
/// each parameter's gradient for this batch) and returns ∂L/∂input.
///
/// A layer keeps its input by reference between `forward` and `backward`
/// and returns its own output buffer: the caller must not change the input
/// matrix before `backward`, and must copy an output it wants to keep past
/// the layer's next call. One layer instance appears once in a model.
public protocol Layer: AnyObject {
  /// A short human-readable name, used in messages ("SparseLinear 784→1000").
  var name: String { get }
  /// The number of input features.
  var inputSize: Int { get }
  /// The number of output features.
  var outputSize: Int { get }
  /// Trainable parameters (empty for parameter-free layers).
  var parameters: [Parameter] { get }
  /// When false, `backward` may skip ∂L/∂input (the first layer of a model)
  /// and return an empty matrix.
  var needsInputGradient: Bool { get set }

  /// Computes the output for `input` (`inputSize × batch`); when `training`,
  /// keeps what `backward` needs.
  func forward(_ input: Matrix, training: Bool) -> Matrix
  /// Writes the parameter gradients for the last training forward and
  /// returns ∂L/∂input (`inputSize × batch`).
  func backward(_ outputGradient: Matrix) -> Matrix
}

extension Layer {
  /// The total number of trainable values.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}
