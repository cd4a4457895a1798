// Swish: x·σ(βx), with β fixed or learned per unit.

/// Swish (Ramachandran et al. 2017), elementwise with `βᵢ` for unit (row) `i`:
///
///     y = x·s,  s = σ(βᵢx)
///     ∂y/∂x  = s + βᵢ·x·s(1 − s)
///     ∂y/∂βᵢ = x²·s(1 − s)
///
/// With `β = 1` fixed it is SiLU. When learnable, `backward` writes
/// `∂L/∂βᵢ = Σ_batch ∂L/∂y · ∂y/∂βᵢ`.
public final class Swish: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  /// Whether β is trained (then ``beta`` is in ``parameters``).
  public let learnable: Bool
  /// One β per unit ("beta", no weight decay). When not ``learnable`` it
  /// holds the fixed β for every unit and is not in ``parameters``.
  public let beta: Parameter
  public var parameters: [Parameter] { learnable ? [beta] : [] }
  public var name: String { learnable ? "Swish \(inputSize) (learned β)" : "Swish \(inputSize) (β \(beta.value.first ?? 1))" }
  private let core = ElementwiseCore()

  /// A swish over `size` features.
  /// - Parameters:
  ///   - size: The number of features.
  ///   - beta: β, or every unit's starting β when `learnable`; 1 gives SiLU.
  ///   - learnable: Whether to learn one β per unit.
  public init(size: Int, beta: Float = 1, learnable: Bool = false) {
    inputSize = size
    self.learnable = learnable
    self.beta = Parameter(name: "beta", value: [Float](repeating: beta, count: size), decays: false)
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    let y = core.prepareForward(x, training: training, size: inputSize, name: name)
    let batch = x.columns
    x.elements.withUnsafeBufferPointer { xs in
      y.elements.withUnsafeMutableBufferPointer { ys in
        for i in 0..<inputSize {
          let b = beta.value[i]
          for k in (i * batch)..<((i + 1) * batch) { ys[k] = xs[k] * logistic(b * xs[k]) }
        }
      }
    }
    return y
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let x = core.takeInput(for: dY, name: name)
    let batch = x.columns
    if learnable {
      x.elements.withUnsafeBufferPointer { xs in
        dY.elements.withUnsafeBufferPointer { dys in
          for i in 0..<inputSize {
            let b = beta.value[i]
            var db: Float = 0
            for k in (i * batch)..<((i + 1) * batch) {
              let s = logistic(b * xs[k])
              db += dys[k] * xs[k] * xs[k] * s * (1 - s)
            }
            beta.gradient[i] = db
          }
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
            let b = beta.value[i]
            for k in (i * batch)..<((i + 1) * batch) {
              let s = logistic(b * xs[k])  // recomputed: cheaper in memory than caching s
              dxs[k] = dys[k] * (s + b * xs[k] * s * (1 - s))
            }
          }
        }
      }
    }
    return dX
  }
}
