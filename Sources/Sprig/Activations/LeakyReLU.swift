// LeakyReLU: the rectifier with a small fixed slope below zero.

/// The leaky rectifier, elementwise: `y = x` if `x > 0`, else `slope·x`;
/// `∂y/∂x = 1` or `slope`.
public final class LeakyReLU: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  /// The slope for negative inputs.
  public let slope: Float
  public var name: String { "LeakyReLU \(inputSize) (slope \(slope))" }
  private let core = ElementwiseCore()

  /// A leaky ReLU over `size` features.
  /// - Parameters:
  ///   - size: The number of features.
  ///   - slope: The slope for negative inputs; 0.01 as in Maas et al. 2013
  ///     and PyTorch, small enough to stay ReLU-like while no unit's
  ///     gradient dies.
  public init(size: Int, slope: Float = 0.01) {
    inputSize = size
    self.slope = slope
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    let a = slope
    return core.forward(x, training: training, size: inputSize, name: name) { $0 > 0 ? $0 : a * $0 }
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let a = slope
    return core.backward(dY, needed: needsInputGradient, name: name) { x, _, dy in x > 0 ? dy : a * dy }
  }
}
