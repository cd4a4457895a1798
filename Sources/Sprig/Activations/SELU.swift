// SELU: the scaled exponential linear unit.
import Foundation

/// The scaled exponential linear unit (Klambauer et al. 2017), elementwise:
/// `y = λx` if `x > 0`, else `λα(eˣ − 1)`; `∂y/∂x = λ`, or `λα·eˣ = y + λα`.
///
/// λ and α are the paper's fixed point constants: with them, activations of
/// a dense layer initialised with variance `1/fanIn` keep mean 0 and
/// variance 1.
public final class SELU: Layer {
  /// λ ≈ 1.0507.
  public static let scale: Float = 1.050_700_987_355_480_5
  /// α ≈ 1.6733.
  public static let alpha: Float = 1.673_263_242_354_377_3

  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "SELU \(inputSize)" }
  private let core = ElementwiseCore()

  /// A SELU over `size` features.
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    let (l, la) = (Self.scale, Self.scale * Self.alpha)
    return core.forward(x, training: training, size: inputSize, name: name) { $0 > 0 ? l * $0 : la * expm1($0) }
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let (l, la) = (Self.scale, Self.scale * Self.alpha)
    return core.backward(dY, needed: needsInputGradient, name: name) { x, y, dy in x > 0 ? l * dy : dy * (y + la) }
  }
}
