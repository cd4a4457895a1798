// DiscreteLognormal: a lognormal binned to the integers and truncated at x_min, fitted by maximum likelihood.
import Foundation

/// The lognormal law discretised by rounding and truncated at `x_min`:
/// `p(x) = [Φ̄(z(x − ½)) − Φ̄(z(x + ½))] / Φ̄(z(x_min − ½))` for integers
/// `x ≥ x_min`, with `z(t) = (log t − μ)/σ` and `Φ̄` the standard normal
/// upper tail — the mass a continuous lognormal puts on `[x − ½, x + ½)`,
/// renormalised to `x ≥ x_min`. This is the discrete lognormal of the
/// Python `powerlaw` package (`discrete_normalization='round'`). The
/// heavy-tailed alternative in
/// the likelihood-ratio test (``LikelihoodRatioTest``).
public struct DiscreteLognormal: Equatable, Sendable, Codable {
  /// `μ`, the mean of `log x` before truncation.
  public let mu: Double
  /// `σ > 0`, the standard deviation of `log x` before truncation.
  public let sigma: Double
  /// The smallest value `x_min ≥ 1`.
  public let minimum: Int

  /// The law with parameters `μ`, `σ > 0` on `x ≥ x_min ≥ 1`.
  public init(mu: Double, sigma: Double, minimum: Int) {
    precondition(sigma > 0 && minimum >= 1, "DiscreteLognormal: needs σ > 0 and x_min ≥ 1")
    self.mu = mu
    self.sigma = sigma
    self.minimum = minimum
  }

  /// `log p(x)`; `−∞` below `x_min`. A probability that underflows is
  /// taken as 1e−307, as `powerlaw` does, so a log-likelihood stays finite.
  public func logProbability(_ x: Int) -> Double {
    guard x >= minimum else { return -.infinity }
    return Self.logProbability(x, mu: mu, sigma: sigma, logNormalizer: logNormalizer)
  }

  /// `log Φ̄(z(x_min − ½))`.
  var logNormalizer: Double { Self.logNormalizer(mu: mu, sigma: sigma, minimum: minimum) }

  static func logNormalizer(mu: Double, sigma: Double, minimum: Int) -> Double {
    log(SpecialFunctions.normalSurvival((log(Double(minimum) - 0.5) - mu) / sigma))
  }

  static let smallestProbability = 1e-307

  static func logProbability(_ x: Int, mu: Double, sigma: Double, logNormalizer: Double) -> Double {
    let lower = (log(Double(x) - 0.5) - mu) / sigma
    let upper = (log(Double(x) + 0.5) - mu) / sigma
    // Difference of two tail areas taken on the side where both are small.
    let mass =
      lower >= 0
      ? SpecialFunctions.normalSurvival(lower) - SpecialFunctions.normalSurvival(upper)
      : SpecialFunctions.normalCDF(upper) - SpecialFunctions.normalCDF(lower)
    return log(max(mass, smallestProbability)) - logNormalizer
  }

  /// The maximum-likelihood fit to `values` (all `≥ minimum`).
  ///
  /// There is no closed form: Nelder–Mead on `(μ, log σ)` from the moments
  /// of `log x`. When the data are power-law-like the likelihood rises
  /// slowly along a ridge towards `μ → −∞, σ → ∞` (a lognormal then mimics
  /// a power law); the search stops once the log-likelihood changes by less
  /// than ~1e−13 relative. On the committed fixtures the log-likelihood
  /// ratio against the power law agrees with `powerlaw`'s to 1e−6 or better.
  /// `nil` for fewer than two distinct values.
  public static func fit<C: Collection>(_ values: C, minimum: Int) -> DiscreteLognormal? where C.Element == Int {
    precondition(
      minimum >= 1 && values.allSatisfy { $0 >= minimum }, "DiscreteLognormal.fit: values must be ≥ minimum ≥ 1")
    guard let first = values.first, values.contains(where: { $0 != first }) else { return nil }
    // Distinct values with multiplicities: the likelihood costs one term per distinct value.
    var multiplicity: [Int: Int] = [:]
    for v in values { multiplicity[v, default: 0] += 1 }
    let distinct = multiplicity.keys.sorted()
    let weights = distinct.map { Double(multiplicity[$0]!) }
    let count = Double(values.count)
    let logs = values.map { log(Double($0)) }
    let meanLog = logs.reduce(0, +) / count
    let sdLog = (logs.reduce(0) { $0 + ($1 - meanLog) * ($1 - meanLog) } / count).squareRoot()
    func negativeLogLikelihood(_ theta: [Double]) -> Double {
      let mu = theta[0]
      let sigma = exp(theta[1])
      let norm = logNormalizer(mu: mu, sigma: sigma, minimum: minimum)
      guard norm.isFinite else { return .infinity }
      var sum = 0.0
      for (i, x) in distinct.enumerated() {
        sum += weights[i] * logProbability(x, mu: mu, sigma: sigma, logNormalizer: norm)
      }
      return -sum / count
    }
    let start = [meanLog, log(max(sdLog, 0.1))]
    let best = Minimizers.nelderMead(start: start, step: [0.5, 0.3], negativeLogLikelihood)
    guard best.value.isFinite else { return nil }
    return DiscreteLognormal(mu: best.x[0], sigma: exp(best.x[1]), minimum: minimum)
  }
}
