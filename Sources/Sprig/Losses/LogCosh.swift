// LogCosh: the log of the hyperbolic cosine of the error.
import Foundation

/// The log-cosh loss averaged over all `N` elements; with `d = p − t`:
/// `L = (1/N) Σ log(cosh d)`, `∂L/∂p = tanh(d)/N`.
///
/// Evaluated as `|d| + log1p(e^(−2|d|)) − log 2`, which equals `log(cosh d)`
/// but stays finite where `cosh` overflows (|d| > 89 in Float).
public struct LogCosh: Loss, Sendable {
  public var name: String { LossKind.logCosh.rawValue }

  /// The log-cosh loss.
  public init() {}

  public func callAsFunction(_ predictions: Matrix, _ targets: Matrix, gradient: Matrix) -> Float {
    let log2 = Float(M_LN2)
    return meanOverElements(predictions, targets, gradient: gradient, name: name) { p, t in
      let a = abs(p - t)
      return (a + log1p(exp(-2 * a)) - log2, tanh(p - t))
    }
  }
}
