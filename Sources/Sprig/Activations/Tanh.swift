// Tanh: the hyperbolic tangent activation.
import Foundation

/// The hyperbolic tangent, elementwise: `y = tanh(x)`, `∂y/∂x = 1 − y²`.
public final class Tanh: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "Tanh \(inputSize)" }
  private let core = ElementwiseCore()

  /// A tanh over `size` features.
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    core.forward(x, training: training, size: inputSize, name: name) { tanh($0) }
  }

  public func backward(_ dY: Matrix) -> Matrix {
    core.backward(dY, needed: needsInputGradient, name: name) { _, y, dy in dy * (1 - y * y) }
  }
}
