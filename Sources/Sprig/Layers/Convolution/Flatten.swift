// Flatten: the named boundary between image layers and fully connected ones.

/// Marks where image-shaped activations (`C × H × W` per sample) feed
/// fully connected layers.
///
/// Sprig's activations are already flat and feature-major (`C·H·W × B`,
/// channel-first per sample, see ``Conv2D``), which is exactly what
/// ``Linear`` and ``SparseLinear`` take, so forward and backward pass
/// their argument through unchanged. The layer exists so that a model reads
/// like the network it is (`…, MaxPool2D, Flatten, Linear, …`).
public final class Flatten: Layer {
  /// The shape of one incoming sample.
  public let shape: ImageShape
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var inputSize: Int { shape.featureCount }
  public var outputSize: Int { shape.featureCount }
  public var name: String { "Flatten \(shape)→\(shape.featureCount)" }

  /// A flatten of samples of `shape`.
  public init(shape: ImageShape) { self.shape = shape }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features, expected \(inputSize)")
    return x
  }

  public func backward(_ dY: Matrix) -> Matrix { dY }
}
