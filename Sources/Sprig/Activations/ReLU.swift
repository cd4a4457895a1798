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

  // In C: without -target-cpu Swift compiled the select of the shared
  // elementwise loop to one scalar element per iteration, 4.7 % of a sparse
  // CIFAR-10 training step.
  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    let y = core.prepareForward(x, training: training, size: inputSize, name: name)
    ElementwiseKernels.reluForward(x, into: y)
    return y
  }

  /// The forward when the previous layer already applied the ReLU (a
  /// ``SparseLinear`` fused with it by ``Sequential``): `y` is returned as is
  /// and kept as the input, which gives backward the same mask, since
  /// `max(x, 0) > 0` exactly when `x > 0`.
  func forward(rectified y: Matrix, training: Bool) -> Matrix {
    core.adopt(y, training: training, size: inputSize, name: name)
    return y
  }

  /// The backward when the next layer already carried the gradient through
  /// this ReLU (a ``SparseLinear`` or narrow ``Linear`` whose input-gradient
  /// kernel masks by its input, this ReLU's output; see
  /// ``Sequential/backward(_:)``): `dX` is that gradient, returned as is,
  /// and the cached input is released.
  func backward(alreadyMasked dX: Matrix) -> Matrix {
    _ = core.takeInput(for: dX, name: name)
    return dX
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let x = core.takeInput(for: dY, name: name)
    guard needsInputGradient else { return core.noInputGradient() }
    core.inputGradient.reshape(rows: x.rows, columns: x.columns)
    ElementwiseKernels.reluBackward(x, dY, into: core.inputGradient)
    return core.inputGradient
  }
}
