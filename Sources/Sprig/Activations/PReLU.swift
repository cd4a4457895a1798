// PReLU: the rectifier with a learned slope per unit below zero.

/// The parametric rectifier (He et al. 2015), elementwise with one learned
/// slope `aᵢ` per unit (row) `i`:
///
///     y = x       if x > 0        ∂y/∂x = 1     ∂y/∂aᵢ = 0
///     y = aᵢ·x    otherwise       ∂y/∂x = aᵢ    ∂y/∂aᵢ = x
///
/// `backward` writes `∂L/∂aᵢ = Σ_batch ∂L/∂y · ∂y/∂aᵢ`.
public final class PReLU: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  /// The negative-side slopes, one per unit ("slope"; no weight decay,
  /// which would pull them towards a plain ReLU).
  public let slope: Parameter
  public var parameters: [Parameter] { [slope] }
  public var name: String { "PReLU \(inputSize)" }
  private let core = ElementwiseCore()

  /// A PReLU over `size` features.
  /// - Parameters:
  ///   - size: The number of features (one slope each).
  ///   - initialSlope: Every slope's starting value; 0.25 as in He et al.
  ///     2015 and PyTorch.
  public init(size: Int, initialSlope: Float = 0.25) {
    inputSize = size
    slope = Parameter(name: "slope", value: [Float](repeating: initialSlope, count: size), decays: false)
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    let y = core.prepareForward(x, training: training, size: inputSize, name: name)
    let batch = x.columns
    x.elements.withUnsafeBufferPointer { xs in
      y.elements.withUnsafeMutableBufferPointer { ys in
        for i in 0..<inputSize {
          let a = slope.value[i]
          for k in (i * batch)..<((i + 1) * batch) { ys[k] = xs[k] > 0 ? xs[k] : a * xs[k] }
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
          var da: Float = 0
          for k in (i * batch)..<((i + 1) * batch) where xs[k] <= 0 { da += dys[k] * xs[k] }
          slope.gradient[i] = da
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
            let a = slope.value[i]
            for k in (i * batch)..<((i + 1) * batch) { dxs[k] = xs[k] > 0 ? dys[k] : a * dys[k] }
          }
        }
      }
    }
    return dX
  }
}
