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
  /// The backward's per-unit branch sums, kept between steps (written by
  /// the next layer's SpMM when ``Sequential`` fuses the backward).
  var sums: [Float] = []

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

  /// The four parameters, as the fused SpMM reads them.
  var shape: SReLUShape {
    SReLUShape(
      leftThreshold: leftThreshold.value, leftSlope: leftSlope.value, rightThreshold: rightThreshold.value,
      rightSlope: rightSlope.value)
  }

  /// The matrix a fused forward writes this layer's output into.
  var fusedOutput: Matrix { core.output }

  /// The forward when the layer before computed it in its kernel
  /// (``Sequential`` fuses sparse, SReLU and dropout; see
  /// ``SparseKernels/multiply(_:values:bias:_:into:activating:srelu:dropout:)``):
  /// `z` is this layer's input, kept for the backward.
  func forward(fusedFrom z: Matrix, training: Bool) {
    core.adopt(z, training: training, size: inputSize, name: name)
  }

  /// This layer's input as the last training forward kept it, for a
  /// backward that the next layer's kernel runs; ``backward(fused:)`` then
  /// finishes it.
  func inputForFusedBackward() -> Matrix {
    guard let x = core.input else { preconditionFailure("\(name): backward without a training forward") }
    return x
  }

  /// Finishes a backward the next layer's kernel ran: `dX` is this layer's
  /// input gradient and ``sums`` holds its sums.
  func backward(fused dX: Matrix) -> Matrix {
    _ = core.takeInput(for: dX, name: name)
    writeParameterGradients()
    return dX
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let x = core.takeInput(for: dY, name: name)
    let dX = needsInputGradient ? core.inputGradient : nil
    dX?.reshape(rows: x.rows, columns: x.columns)
    // One branch-free pass in C (see activation_rows.h). Per unit it sums dy
    // and dy·x over each outer branch, from which the parameter gradients follow.
    ElementwiseKernels.sreluBackward(
      x: x, dY: dY, into: dX, leftThreshold: leftThreshold.value, leftSlope: leftSlope.value,
      rightThreshold: rightThreshold.value, rightSlope: rightSlope.value, sums: &sums)
    writeParameterGradients()
    return dX ?? core.noInputGradient()
  }

  /// ∂L/∂tʳ = (1 − aʳ)·Σʳdy, ∂L/∂aʳ = Σʳdy·x − tʳ·Σʳdy, and the same on the
  /// left. Through buffers: per-element access checks on the parameters'
  /// arrays cost more than the arithmetic.
  private func writeParameterGradients() {
    let (tl, al, tr, ar, s) = (leftThreshold.value, leftSlope.value, rightThreshold.value, rightSlope.value, sums)
    rightThreshold.gradient.withUnsafeMutableBufferPointer { gtr in
      rightSlope.gradient.withUnsafeMutableBufferPointer { gar in
        leftThreshold.gradient.withUnsafeMutableBufferPointer { gtl in
          leftSlope.gradient.withUnsafeMutableBufferPointer { gal in
            for i in 0..<inputSize {
              gtr[i] = (1 - ar[i]) * s[4 * i]
              gar[i] = s[4 * i + 1] - tr[i] * s[4 * i]
              gtl[i] = (1 - al[i]) * s[4 * i + 2]
              gal[i] = s[4 * i + 3] - tl[i] * s[4 * i + 2]
            }
          }
        }
      }
    }
  }
}
