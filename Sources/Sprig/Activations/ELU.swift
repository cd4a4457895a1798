// ELU: the exponential linear unit.
import Foundation

/// The exponential linear unit (Clevert et al. 2015), elementwise:
/// `y = x` if `x > 0`, else `α(eˣ − 1)`; `∂y/∂x = 1`, or `α·eˣ = y + α`.
public final class ELU: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  /// The negative saturation value is `−alpha`.
  public let alpha: Float
  public var name: String { "ELU \(inputSize) (α \(alpha))" }
  private let core = ElementwiseCore()

  /// An ELU over `size` features; `alpha = 1` (the paper's choice) makes
  /// the derivative continuous at 0.
  public init(size: Int, alpha: Float = 1) {
    inputSize = size
    self.alpha = alpha
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    let a = alpha
    // expm1 keeps eˣ − 1 precise for small |x|.
    return core.forward(x, training: training, size: inputSize, name: name) { $0 > 0 ? $0 : a * expm1($0) }
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let a = alpha
    return core.backward(dY, needed: needsInputGradient, name: name) { x, y, dy in x > 0 ? dy : dy * (y + a) }
  }
}
