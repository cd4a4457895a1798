// GradientClipping: rescaling gradients whose global norm is too large, as a function and as an optimizer wrapper.

/// Scales every gradient in `parameters` by `maxNorm / ‖g‖` when their
/// global L2 norm `‖g‖ = √(Σ_p Σ_i g_{p,i}²)` exceeds `maxNorm` (Pascanu et
/// al. 2013), keeping the update's direction while bounding its size —
/// the usual guard against exploding gradients through time.
///
/// - Returns: the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
  precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive")
  var sum = 0.0
  for p in parameters {
    p.gradient.withUnsafeBufferPointer { g in
      var s: Float = 0
      for v in g { s += v * v }
      sum += Double(s)
    }
  }
  let norm = Float(sum.squareRoot())
  if norm > maxNorm {
    let scale = maxNorm / norm
    for p in parameters { p.gradient.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= scale } } }
  }
  return norm
}

/// An optimizer that clips the gradients' global norm (see
/// ``clipGradientNorm(_:maxNorm:)``) before handing them to `base`; pass it
/// to ``Trainer`` to train recurrent networks with clipping.
public final class GradientClippingOptimizer: Optimizer {
  /// The optimizer that takes the step.
  public let base: Optimizer
  /// The largest global gradient norm let through.
  public let maxNorm: Float
  /// The norm of the last step's gradients before clipping.
  public private(set) var lastNorm: Float = 0

  /// Clips to `maxNorm`, then steps with `base`.
  public init(_ base: Optimizer, maxNorm: Float) {
    precondition(maxNorm > 0, "GradientClippingOptimizer: maxNorm must be positive")
    self.base = base
    self.maxNorm = maxNorm
  }

  public var learningRate: Float {
    get { base.learningRate }
    set { base.learningRate = newValue }
  }

  public var stepCount: Int {
    get { base.stepCount }
    set { base.stepCount = newValue }
  }

  public func step(_ parameters: [Parameter]) {
    lastNorm = clipGradientNorm(parameters, maxNorm: maxNorm)
    base.step(parameters)
  }
}
