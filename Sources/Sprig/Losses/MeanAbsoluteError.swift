// MeanAbsoluteError: the mean of absolute differences.

/// The mean absolute error over all `N` elements:
/// `L = (1/N) Σ |p − t|`, `∂L/∂p = sign(p − t)/N` (0 where `p = t`, as in PyTorch).
public struct MeanAbsoluteError: Loss, Sendable {
  public var name: String { LossKind.meanAbsoluteError.rawValue }

  /// The mean absolute error.
  public init() {}

  public func callAsFunction(_ predictions: Matrix, _ targets: Matrix, gradient: Matrix) -> Float {
    meanOverElements(predictions, targets, gradient: gradient, name: name) { p, t in
      let d = p - t
      return (abs(d), d > 0 ? 1 : d < 0 ? -1 : 0)
    }
  }
}
