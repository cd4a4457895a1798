// StableMath: the logistic and softplus functions in forms that neither overflow nor lose precision.
import Foundation

/// σ(x) = 1 / (1 + e^(−x)), computed from e^(−|x|) ∈ (0, 1] so it never
/// overflows and keeps its relative precision for very negative x.
@inline(__always) func logistic(_ x: Float) -> Float {
  let e = exp(-abs(x))
  return x >= 0 ? 1 / (1 + e) : e / (1 + e)
}

/// softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): no overflow for
/// large x, no rounding to 0 − 0 for very negative x.
@inline(__always) func softplus(_ x: Float) -> Float {
  max(x, 0) + log1p(exp(-abs(x)))
}
