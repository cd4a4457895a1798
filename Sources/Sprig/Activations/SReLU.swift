// SReLU: the S-shaped rectifier with four learned parameters per unit (Jin et al. 2016, used by SET).

/// The S-shaped rectified linear unit (Jin et al. 2016), the activation of
/// the SET paper (Mocanu et al. 2018). Unit (row) `i` learns a left
/// threshold and slope `tˡ, aˡ` and a right threshold and slope `tʳ, aʳ`:
///
///     y = tʳ + aʳ(x − tʳ)   if x ≥ tʳ    ∂y/∂x = aʳ   ∂y/∂tʳ = 1 − aʳ   ∂y/∂aʳ = x − tʳ
///     y = x                 if tˡ < x < tʳ   ∂y/∂x = 1
///     y = tˡ + aˡ(x − tˡ)   if x ≤ tˡ    ∂y/∂x = aˡ   ∂y/∂tˡ = 1 − aˡ   ∂y/∂aˡ = x − tˡ
///
/// The right branch is tested first, so the function stays defined should
/// training push `tʳ` below `tˡ`. `backward` writes each parameter's
/// gradient summed over the batch. None of the four decays.
///
/// **Initial values** (`tˡ = 0, aˡ = 0.01, tʳ = 1, aʳ = 1`): the layer
/// starts as exactly a leaky ReLU with slope 0.01 — a shape known to train
/// well after He-initialised sparse layers — and then learns its own
/// S-shape. `aˡ = 0.01` rather than 0 keeps a gradient below the left
/// knee, so no unit starts dead and `tˡ` can move. With `aʳ = 1` the right
/// knee changes nothing at first, but `tʳ = 1` puts it inside the unit
/// range of He-initialised pre-activations, so inputs on both sides of it
/// give `aʳ` a gradient (`x − tʳ ≠ 0`) from the first step; a distant
/// `tʳ` would leave `aʳ` almost never updated. keras-contrib's SReLU (what
/// the Keras SET code imports) instead draws `aˡ ~ U(0, 1)` and
/// `tʳ ~ U(0, 5)`; fixed values keep Sprig's runs reproducible without a
/// generator and avoid starting units with a steep left slope.
public final class SReLU: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  /// `tˡ` per unit ("t_left").
  public let leftThreshold: Parameter
  /// `aˡ` per unit ("a_left").
  public let leftSlope: Parameter
  /// `tʳ` per unit ("t_right").
  public let rightThreshold: Parameter
  /// `aʳ` per unit ("a_right").
  public let rightSlope: Parameter
  public var parameters: [Parameter] { [leftThreshold, leftSlope, rightThreshold, rightSlope] }
  public var name: String { "SReLU \(inputSize)" }
  private let core = ElementwiseCore()
  /// The backward's per-unit branch sums, kept between steps.
  private var sums: [Float] = []

  /// An SReLU over `size` features, every unit starting from the given
  /// values (defaults: a leaky ReLU, see the type's documentation).
  public init(
    size: Int, leftThreshold: Float = 0, leftSlope: Float = 0.01, rightThreshold: Float = 1, rightSlope: Float = 1
  ) {
    inputSize = size
    func parameter(_ name: String, _ value: Float) -> Parameter {
      Parameter(name: name, value: [Float](repeating: value, count: size), decays: false)
    }
    self.leftThreshold = parameter("t_left", leftThreshold)
    self.leftSlope = parameter("a_left", leftSlope)
    self.rightThreshold = parameter("t_right", rightThreshold)
    self.rightSlope = parameter("a_right", rightSlope)
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    let y = core.prepareForward(x, training: training, size: inputSize, name: name)
    ElementwiseKernels.sreluForward(
      x, into: y, leftThreshold: leftThreshold.value, leftSlope: leftSlope.value, rightThreshold: rightThreshold.value,
      rightSlope: rightSlope.value)
    return y
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let x = core.takeInput(for: dY, name: name)
    let dX = needsInputGradient ? core.inputGradient : nil
    dX?.reshape(rows: x.rows, columns: x.columns)
    // One branch-free pass in C: which branch an element takes is random,
    // and mispredicted branches made this loop a third of a SET-MLP step.
    // Per unit it sums dy and dy·x over each outer branch; the parameter
    // gradients follow: ∂L/∂tʳ = (1 − aʳ)·Σʳdy, ∂L/∂aʳ = Σʳdy·x − tʳ·Σʳdy
    // (and the same on the left).
    ElementwiseKernels.sreluBackward(
      x: x, dY: dY, into: dX, leftThreshold: leftThreshold.value, leftSlope: leftSlope.value,
      rightThreshold: rightThreshold.value, rightSlope: rightSlope.value, sums: &sums)
    for i in 0..<inputSize {
      rightThreshold.gradient[i] = (1 - rightSlope.value[i]) * sums[4 * i]
      rightSlope.gradient[i] = sums[4 * i + 1] - rightThreshold.value[i] * sums[4 * i]
      leftThreshold.gradient[i] = (1 - leftSlope.value[i]) * sums[4 * i + 2]
      leftSlope.gradient[i] = sums[4 * i + 3] - leftThreshold.value[i] * sums[4 * i + 2]
    }
    return dX ?? core.noInputGradient()
  }
}
