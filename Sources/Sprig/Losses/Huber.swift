// Huber: squared near zero, absolute far away.

/// The Huber loss (PyTorch's `HuberLoss`), averaged over all `N` elements;
/// with `d = p − t` and threshold `δ`:
///
///     ℓ(d) = d²/2             if |d| ≤ δ      ℓ'(d) = d
///     ℓ(d) = δ(|d| − δ/2)     otherwise       ℓ'(d) = δ·sign(d)
///
/// `L = (1/N) Σ ℓ(d)`, `∂L/∂p = ℓ'(d)/N`: as smooth as MSE near the
/// target, as robust to outliers as MAE far from it.
public struct Huber: Loss, Sendable {
  /// Where the loss turns from quadratic to linear.
  public let delta: Float
  public var name: String { LossKind.huber.rawValue }

  /// A Huber loss switching at `delta` (1 by default, as in PyTorch).
  public init(delta: Float = 1) {
    precondition(delta > 0, "Huber: delta must be positive")
    self.delta = delta
  }

  public func callAsFunction(_ predictions: Matrix, _ targets: Matrix, gradient: Matrix) -> Float {
    let delta = self.delta
    return meanOverElements(predictions, targets, gradient: gradient, name: name) { p, t in
      let d = p - t
      if abs(d) <= delta { return (d * d / 2, d) }
      return (delta * (abs(d) - delta / 2), d > 0 ? delta : -delta)
    }
  }
}
