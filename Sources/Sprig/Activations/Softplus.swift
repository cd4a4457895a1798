// Softplus: the smooth rectifier.

/// Softplus, elementwise: `y = log(1 + eˣ)`, `∂y/∂x = σ(x)`.
///
/// Evaluated as `max(x, 0) + log1p(e^(−|x|))`, finite for every finite `x`
/// (the naive form overflows past x ≈ 88 in Float).
public final class Softplus: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "Softplus \(inputSize)" }
  private let core = ElementwiseCore()

  /// A softplus over `size` features.
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    core.forward(x, training: training, size: inputSize, name: name) { softplus($0) }
  }

  public func backward(_ dY: Matrix) -> Matrix {
    core.backward(dY, needed: needsInputGradient, name: name) { x, _, dy in dy * logistic(x) }
  }
}
