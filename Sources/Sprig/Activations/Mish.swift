// Mish: x·tanh(softplus(x)).
import Foundation

/// Mish (Misra 2019), elementwise: `y = x·tanh(softplus(x))`;
/// with `t = tanh(softplus(x))`, `∂y/∂x = t + x·(1 − t²)·σ(x)`.
public final class Mish: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "Mish \(inputSize)" }
  private let core = ElementwiseCore()

  /// A Mish over `size` features.
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    core.forward(x, training: training, size: inputSize, name: name) { $0 * tanh(softplus($0)) }
  }

  public func backward(_ dY: Matrix) -> Matrix {
    // t is recomputed from x: y / x would divide by zero at x = 0.
    core.backward(dY, needed: needsInputGradient, name: name) { x, _, dy in
      let t = tanh(softplus(x))
      return dy * (t + x * (1 - t * t) * logistic(x))
    }
  }
}
