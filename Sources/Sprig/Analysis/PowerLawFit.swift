// PowerLawFit: discrete power-law MLE with x_min chosen by the KS distance (Clauset, Shalizi & Newman 2009).
import Foundation

/// A discrete power-law fit to the tail of a degree sequence, following
/// Clauset, Shalizi & Newman, "Power-law distributions in empirical data",
/// SIAM Review 51 (2009) — "CSN" below.
///
/// **Data.** Zero degrees are removed first (a power law has no mass at 0)
/// and counted in ``zeroDegreeCount``.
///
/// **Exponent (CSN §3.1).** For a given `x_min`, `α̂` maximises the
/// discrete log-likelihood of the `n_tail` values `xᵢ ≥ x_min`:
/// `L(α) = −n_tail·log ζ(α, x_min) − α·Σ log xᵢ`, with the Hurwitz zeta
/// normaliser. `L` is concave in `α`, so Brent's method on `(1, α_max]`
/// (``maximumExponent``, 6 by default) finds the maximum to ~1e−10.
///
/// **x_min (CSN §3.3).** Every unique positive value `u` below the largest
/// with at least `minimumTailCount` values `≥ u` (10 by default: fewer make
/// the KS distance meaningless) is tried; the one whose fit has the smallest
/// KS distance wins (ties: the smaller `u`). A candidate whose `α̂` comes
/// within 0.01 of either end of the range has no interior maximum and is
/// skipped. This is the search of the Python `powerlaw` package
/// (`Fit(data, discrete=True, xmin_distance='D', estimate_discrete=False,
/// parameter_ranges={'alpha': [1, 6]})`, restricted to the same
/// candidates), and the tests check that both pick the same `x_min`.
///
/// **KS distance (CSN §3.3).** `D = max |S(x) − P(x)|` over the unique
/// observed tail values `x`, with `S` and `P` the empirical and fitted
/// probabilities of a tail value being `< x` (as `powerlaw` computes it):
/// `P(x) = 1 − ζ(α, x)/ζ(α, x_min)`.
///
/// **Standard error (CSN eq. 3.2).** `σ = (α̂ − 1)/√n_tail`, the
/// large-sample value; `powerlaw` 2.0 reports the same as `sigma` (its
/// `standard_err`) for discrete data too, rather than the discrete
/// Fisher-information error CSN also give (§3.1).
///
/// The goodness-of-fit p-value is ``bootstrapPValue(resamples:using:)``.
public struct PowerLawFit: Equatable, Sendable {
  /// The fit at one candidate `x_min`.
  public struct Candidate: Equatable, Sendable, Codable {
    /// The candidate `x_min`.
    public let minimum: Int
    /// `α̂` at this `x_min`.
    public let exponent: Double
    /// KS distance of that fit.
    public let ksDistance: Double
    /// Number of values `≥ x_min`.
    public let tailCount: Int
    /// Whether `α̂` is an interior maximum (not within 0.01 of the range ends).
    public let isValid: Bool
  }

  /// The chosen `x_min`.
  public let minimum: Int
  /// `α̂`, the maximum-likelihood exponent at `x_min`.
  public let exponent: Double
  /// `(α̂ − 1)/√n_tail`.
  public let standardError: Double
  /// The KS distance between the tail and the fitted law.
  public let ksDistance: Double
  /// `n_tail`, the number of degrees `≥ x_min`.
  public let tailCount: Int
  /// The number of positive degrees (the fit's `n`).
  public let positiveCount: Int
  /// The number of zero degrees that were left out.
  public let zeroDegreeCount: Int
  /// The largest degree.
  public let maximumDegree: Int
  /// The log-likelihood `L(α̂)` of the tail.
  public let logLikelihood: Double
  /// Every candidate tried, in increasing `x_min` (for plots of D and α̂ against x_min).
  public let candidates: [Candidate]
  /// The fewest tail values a candidate `x_min` could leave (the bootstrap refits with the same).
  public let minimumTailCount: Int
  /// The upper end of the exponent search range (the bootstrap refits with the same).
  public let maximumExponent: Double
  /// The positive degrees, sorted ascending (the bootstrap and the
  /// likelihood-ratio tests need the head and the tail).
  let sortedDegrees: [Int]

  /// The fitted law, `x^{−α̂}/ζ(α̂, x_min)`.
  public var law: DiscretePowerLaw { DiscretePowerLaw(exponent: exponent, minimum: minimum) }
  /// The degrees `≥ x_min`, ascending.
  public var tail: ArraySlice<Int> { sortedDegrees[(sortedDegrees.count - tailCount)...] }
  /// The positive degrees `< x_min`, ascending.
  public var head: ArraySlice<Int> { sortedDegrees[..<(sortedDegrees.count - tailCount)] }

  /// Distance from the ends of `(1, α_max]` within which `α̂` is not an interior maximum.
  static let boundaryMargin = 0.01

  /// Fits a discrete power law to the positive values of `degrees`.
  ///
  /// - Parameters:
  ///   - degrees: a degree sequence; negative values are a programmer error,
  ///     zeros are counted and left out.
  ///   - minimumTailCount: the fewest values `≥ x_min` a candidate may leave (≥ 2).
  ///   - maximumExponent: the upper end of the `α` search range `(1, α_max]`.
  /// - Returns: `nil` when no candidate `x_min` exists (fewer than two
  ///   distinct positive values, or every tail too small) or none gives an
  ///   interior maximum of the likelihood.
  public static func fit(_ degrees: [Int], minimumTailCount: Int = 10, maximumExponent: Double = 6) -> PowerLawFit? {
    precondition(degrees.allSatisfy { $0 >= 0 }, "PowerLawFit: degrees must be non-negative")
    precondition(minimumTailCount >= 2, "PowerLawFit: minimumTailCount must be at least 2")
    precondition(maximumExponent > 1 + 2 * boundaryMargin, "PowerLawFit: maximumExponent must exceed 1.02")
    let sorted = degrees.filter { $0 > 0 }.sorted()
    return fitSorted(
      sorted, zeroDegreeCount: degrees.count - sorted.count, minimumTailCount: minimumTailCount,
      maximumExponent: maximumExponent)
  }

  /// ``fit(_:minimumTailCount:maximumExponent:)`` on positive values already sorted ascending.
  static func fitSorted(
    _ x: [Int], zeroDegreeCount: Int, minimumTailCount: Int, maximumExponent: Double
  ) -> PowerLawFit? {
    let n = x.count
    guard n >= 2, let largest = x.last else { return nil }
    // Unique values, their first index, and the suffix sums of log x.
    var uniques: [Int] = []
    var firstIndex: [Int] = []
    for (i, v) in x.enumerated() where i == 0 || v != x[i - 1] {
      uniques.append(v)
      firstIndex.append(i)
    }
    var suffixLog = [Double](repeating: 0, count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) { suffixLog[i] = suffixLog[i + 1] + log(Double(x[i])) }

    var candidates: [Candidate] = []
    var best: Int?
    for j in uniques.indices where uniques[j] < largest && n - firstIndex[j] >= minimumTailCount {
      let xmin = Double(uniques[j])
      let tailCount = n - firstIndex[j]
      let meanLog = suffixLog[firstIndex[j]] / Double(tailCount)
      // −L(α)/n_tail = α·mean(log x) + log ζ(α, x_min)
      let (alpha, _) = Minimizers.brent(lower: 1 + 1e-9, upper: maximumExponent) { a in
        a * meanLog + log(SpecialFunctions.hurwitzZeta(a, xmin))
      }
      let valid = alpha >= 1 + boundaryMargin && alpha <= maximumExponent - boundaryMargin
      // KS over the unique tail values, both CDFs as P(X < x).
      let zetaMin = SpecialFunctions.hurwitzZeta(alpha, xmin)
      var distance = 0.0
      for k in (j + 1)..<uniques.count {
        let empirical = Double(firstIndex[k] - firstIndex[j]) / Double(tailCount)
        let fitted = 1 - SpecialFunctions.hurwitzZeta(alpha, Double(uniques[k])) / zetaMin
        distance = max(distance, abs(empirical - fitted))
      }
      candidates.append(
        Candidate(minimum: uniques[j], exponent: alpha, ksDistance: distance, tailCount: tailCount, isValid: valid))
      if valid, best.map({ distance < candidates[$0].ksDistance }) ?? true { best = candidates.count - 1 }
    }
    guard let chosen = best.map({ candidates[$0] }) else { return nil }
    let law = DiscretePowerLaw(exponent: chosen.exponent, minimum: chosen.minimum)
    let start = n - chosen.tailCount
    let logLikelihood = -chosen.exponent * suffixLog[start] - Double(chosen.tailCount) * law.logNormalizer
    return PowerLawFit(
      minimum: chosen.minimum, exponent: chosen.exponent,
      standardError: (chosen.exponent - 1) / Double(chosen.tailCount).squareRoot(),
      ksDistance: chosen.ksDistance, tailCount: chosen.tailCount, positiveCount: n,
      zeroDegreeCount: zeroDegreeCount, maximumDegree: largest, logLikelihood: logLikelihood,
      candidates: candidates, minimumTailCount: minimumTailCount, maximumExponent: maximumExponent,
      sortedDegrees: x)
  }
}
