// MeanSquaredError: the mean of squared differences.

/// The mean squared error over all `N` elements:
/// `L = (1/N) Σ (p − t)²`, `∂L/∂p = 2(p − t)/N`.
public struct MeanSquaredError: Loss, Sendable {
  public var name: String { LossKind.meanSquaredError.rawValue }

  /// The mean squared error.
  public init() {}

  public func callAsFunction(_ predictions: Matrix, _ targets: Matrix, gradient: Matrix) -> Float {
    meanOverElements(predictions, targets, gradient: gradient, name: name) { p, t in
      let d = p - t
      return (d * d, 2 * d)
    }
  }
}
