// Sigmoid: the logistic activation.

/// The logistic sigmoid, elementwise: `y = σ(x) = 1 / (1 + e^(−x))`,
/// `∂y/∂x = y(1 − y)`. Computed without overflow for any `x`.
public final class Sigmoid: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "Sigmoid \(inputSize)" }
  private let core = ElementwiseCore()

  /// A sigmoid over `size` features.
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    core.forward(x, training: training, size: inputSize, name: name) { logistic($0) }
  }

  public func backward(_ dY: Matrix) -> Matrix {
    core.backward(dY, needed: needsInputGradient, name: name) { _, y, dy in dy * y * (1 - y) }
  }
}
