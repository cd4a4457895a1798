// LikelihoodRatioTest: Vuong's normalised log-likelihood ratio of the power law against an alternative.
import Foundation

/// Vuong's likelihood-ratio test of the fitted power law against an
/// alternative law fitted by maximum likelihood to the same tail
/// (`x ≥ x_min`) — CSN 2009 §5.1 and Appendix C; Vuong, Econometrica 57 (1989).
///
/// With `ℓᵢ = log p_PL(xᵢ) − log p_alt(xᵢ)` over the `n` tail values:
/// `R = Σ ℓᵢ`, `σ² = (1/n)·Σ (ℓᵢ − ℓ̄)²`, the normalised ratio
/// `R/(σ√n)` (asymptotically standard normal when neither law is closer to
/// the truth) and the two-sided p-value `p = erfc(|R| / (σ√(2n)))`
/// (CSN Appendix C). `R > 0` favours the power law. As in Broido & Clauset
/// (2019), the sign is taken as significant when `p ≤ 0.1`
/// (``significanceLevel``). These are the values of `powerlaw`'s
/// `Fit.distribution_compare(..., normalized_ratio=True)`.
public struct LikelihoodRatioTest: Equatable, Sendable, Codable {
  /// The alternative laws, both non-nested with the power law.
  public enum Alternative: String, Sendable, Codable, CaseIterable {
    /// ``DiscreteExponential``.
    case exponential
    /// ``DiscreteLognormal``.
    case lognormal
  }

  /// Which law the test favours at ``significanceLevel``.
  public enum Preference: String, Sendable, Codable {
    /// `R > 0` and `p ≤ 0.1`.
    case powerLaw
    /// `R < 0` and `p ≤ 0.1`.
    case alternative
    /// `p > 0.1`: the data cannot tell the two apart.
    case inconclusive
  }

  /// The significance level for ``preference``: 0.1, as in Broido & Clauset 2019.
  public static let significanceLevel = 0.1

  /// The alternative compared with.
  public let alternative: Alternative
  /// The alternative's fitted parameters: `["rate": λ]` or `["mu": μ, "sigma": σ]`.
  public let alternativeParameters: [String: Double]
  /// `R = Σ (log p_PL − log p_alt)` over the tail.
  public let logLikelihoodRatio: Double
  /// `R/(σ√n)`.
  public let normalizedRatio: Double
  /// `erfc(|R| / (σ√(2n)))`.
  public let pValue: Double
  /// The number of tail values `n`.
  public let tailCount: Int

  /// The law favoured at ``significanceLevel``.
  public var preference: Preference {
    guard pValue <= Self.significanceLevel, logLikelihoodRatio != 0 else { return .inconclusive }
    return logLikelihoodRatio > 0 ? .powerLaw : .alternative
  }

  /// Compares `fit`'s power law with `alternative` fitted to the same tail.
  /// `nil` when the alternative cannot be fitted (every tail value equal).
  public static func compare(_ fit: PowerLawFit, with alternative: Alternative) -> LikelihoodRatioTest? {
    let tail = fit.tail
    let law = fit.law
    let logPowerLaw = tail.map { law.logProbability($0) }
    let logAlternative: [Double]
    let parameters: [String: Double]
    switch alternative {
    case .exponential:
      guard let e = DiscreteExponential.fit(tail, minimum: fit.minimum) else { return nil }
      logAlternative = tail.map { e.logProbability($0) }
      parameters = ["rate": e.rate]
    case .lognormal:
      guard let l = DiscreteLognormal.fit(tail, minimum: fit.minimum) else { return nil }
      logAlternative = tail.map { l.logProbability($0) }
      parameters = ["mu": l.mu, "sigma": l.sigma]
    }
    let (r, normalized, p) = vuong(logPowerLaw, logAlternative)
    return LikelihoodRatioTest(
      alternative: alternative, alternativeParameters: parameters, logLikelihoodRatio: r,
      normalizedRatio: normalized, pValue: p, tailCount: tail.count)
  }

  /// Vuong's statistic from pointwise log-likelihoods of two laws:
  /// `(R, R/(σ√n), erfc(|R|/(σ√(2n))))`. When every `ℓᵢ` is equal (`σ = 0`)
  /// the normal approximation does not apply: `(R, 0, 1)`.
  public static func vuong(_ logLikelihoods1: [Double], _ logLikelihoods2: [Double]) -> (
    ratio: Double, normalizedRatio: Double, pValue: Double
  ) {
    precondition(logLikelihoods1.count == logLikelihoods2.count, "vuong: the two arrays must have equal length")
    let n = Double(logLikelihoods1.count)
    guard n > 0 else { return (0, 0, 1) }
    let d = zip(logLikelihoods1, logLikelihoods2).map { $0 - $1 }
    let r = d.reduce(0, +)
    let mean = r / n
    let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    guard variance > 0 else { return (r, 0, 1) }
    let sigma = variance.squareRoot()
    return (r, r / (sigma * n.squareRoot()), erfc(abs(r) / (sigma * (2 * n).squareRoot())))
  }
}
