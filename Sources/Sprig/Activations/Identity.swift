// Identity: the linear activation.

/// The linear (identity) activation: `y = x`, `∂y/∂x = 1`.
///
/// It hands its input and the incoming gradient straight back, without a
/// copy, as ``Dropout`` does at inference: there is nothing to compute.
public final class Identity: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "Identity \(inputSize)" }

  /// The identity over `size` features.
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features")
    return x
  }

  public func backward(_ dY: Matrix) -> Matrix { dY }
}
