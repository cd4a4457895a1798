// Step: the Heaviside activation, forward only.

/// The Heaviside step, elementwise: `y = 1` if `x > 0`, else `0` (so
/// `step(0) = 0`, matching the ReLU derivative convention used here).
///
/// Its derivative is zero wherever it exists, so `backward` returns
/// **zeros**: nothing below a step layer learns through it. Use it at
/// inference (perceptrons, associative memories) or where no gradient has
/// to pass.
public final class Step: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "Step \(inputSize)" }
  private let core = ElementwiseCore()

  /// A step over `size` features.
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    core.forward(x, training: training, size: inputSize, name: name) { $0 > 0 ? 1 : 0 }
  }

  /// Returns zeros (`inputSize × batch`): the step's derivative is 0 almost everywhere.
  public func backward(_ dY: Matrix) -> Matrix {
    core.backward(dY, needed: needsInputGradient, name: name) { _, _, _ in 0 }
  }
}
