// DiscreteExponential: p(x) = (1 − e^{−λ})·e^{−λ(x − x_min)} on x ≥ x_min, fitted by maximum likelihood.
import Foundation

/// The discrete exponential law `p(x) = (1 − e^{−λ})·e^{−λ(x − x_min)}` for
/// integers `x ≥ x_min`, `λ > 0` (CSN 2009, Table 2.1) —
/// a geometric law shifted to start at `x_min`. The alternative with a
/// characteristic scale in the likelihood-ratio test (``LikelihoodRatioTest``).
public struct DiscreteExponential: Equatable, Sendable, Codable {
  /// The rate `λ`.
  public let rate: Double
  /// The smallest value `x_min`.
  public let minimum: Int

  /// The law with rate `λ > 0` on `x ≥ x_min`.
  public init(rate: Double, minimum: Int) {
    precondition(rate > 0, "DiscreteExponential: rate must be positive")
    self.rate = rate
    self.minimum = minimum
  }

  /// The maximum-likelihood fit to `values` (all `≥ minimum`): in closed
  /// form, `λ̂ = log(1 + 1/ȳ)` with `ȳ` the mean of `x − x_min` (the
  /// geometric MLE). `nil` when every value equals `x_min` (`λ̂ = ∞`).
  public static func fit<C: Collection>(_ values: C, minimum: Int) -> DiscreteExponential? where C.Element == Int {
    guard !values.isEmpty else { return nil }
    precondition(values.allSatisfy { $0 >= minimum }, "DiscreteExponential.fit: values must be ≥ minimum")
    let meanExcess = Double(values.reduce(0) { $0 + ($1 - minimum) }) / Double(values.count)
    guard meanExcess > 0 else { return nil }
    return DiscreteExponential(rate: log1p(1 / meanExcess), minimum: minimum)
  }

  /// `log p(x) = log(1 − e^{−λ}) − λ(x − x_min)`; `−∞` below `x_min`.
  public func logProbability(_ x: Int) -> Double {
    x < minimum ? -.infinity : log(-expm1(-rate)) - rate * Double(x - minimum)
  }
}
