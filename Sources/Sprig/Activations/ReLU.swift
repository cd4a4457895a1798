// ReLU: the rectified linear activation.

/// The rectifier, elementwise: `y = max(x, 0)`, `∂y/∂x = 1` if `x > 0`
/// else `0` (0 at the kink, as in PyTorch).
public final class ReLU: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "ReLU \(inputSize)" }
  private let core = ElementwiseCore()

  /// A ReLU over `size` features.
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    core.forward(x, training: training, size: inputSize, name: name) { $0 > 0 ? $0 : 0 }
  }

  public func backward(_ dY: Matrix) -> Matrix {
    core.backward(dY, needed: needsInputGradient, name: name) { x, _, dy in x > 0 ? dy : 0 }
  }
}
