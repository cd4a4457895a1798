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
    let batch = x.columns
    x.elements.withUnsafeBufferPointer { xs in
      y.elements.withUnsafeMutableBufferPointer { ys in
        for i in 0..<inputSize {
          let (tl, al, tr, ar) = (leftThreshold.value[i], leftSlope.value[i], rightThreshold.value[i], rightSlope.value[i])
          for k in (i * batch)..<((i + 1) * batch) {
            let v = xs[k]
            ys[k] = v >= tr ? tr + ar * (v - tr) : v <= tl ? tl + al * (v - tl) : v
          }
        }
      }
    }
    return y
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let x = core.takeInput(for: dY, name: name)
    let batch = x.columns
    x.elements.withUnsafeBufferPointer { xs in
      dY.elements.withUnsafeBufferPointer { dys in
        for i in 0..<inputSize {
          let (tl, al, tr, ar) = (leftThreshold.value[i], leftSlope.value[i], rightThreshold.value[i], rightSlope.value[i])
          var (dtl, dal, dtr, dar): (Float, Float, Float, Float) = (0, 0, 0, 0)
          for k in (i * batch)..<((i + 1) * batch) {
            let (v, dy) = (xs[k], dys[k])
            if v >= tr {
              dtr += dy * (1 - ar)
              dar += dy * (v - tr)
            } else if v <= tl {
              dtl += dy * (1 - al)
              dal += dy * (v - tl)
            }
          }
          leftThreshold.gradient[i] = dtl
          leftSlope.gradient[i] = dal
          rightThreshold.gradient[i] = dtr
          rightSlope.gradient[i] = dar
        }
      }
    }
    guard needsInputGradient else { return core.noInputGradient() }
    let dX = core.inputGradient
    dX.reshape(rows: x.rows, columns: batch)
    x.elements.withUnsafeBufferPointer { xs in
      dY.elements.withUnsafeBufferPointer { dys in
        dX.elements.withUnsafeMutableBufferPointer { dxs in
          for i in 0..<inputSize {
            let (tl, al, tr, ar) = (leftThreshold.value[i], leftSlope.value[i], rightThreshold.value[i], rightSlope.value[i])
            for k in (i * batch)..<((i + 1) * batch) {
              let v = xs[k]
              dxs[k] = v >= tr ? ar * dys[k] : v <= tl ? al * dys[k] : dys[k]
            }
          }
        }
      }
    }
    return dX
  }
}
