// ScaleFreeVerdict: Broido & Clauset's (2019) scale-free categories for one degree sequence.
import Foundation

/// Whether one degree sequence is scale-free, in the categories of Broido
/// & Clauset, "Scale-free networks are rare", Nature Communications 10, 1017
/// (2019), applied to a single sequence (their criteria ask that a share of
/// a data set's graphs pass; with one sequence the share is 0 or 100 %,
/// and their "strongest" coincides with "strong").
///
/// The criteria (thresholds from the paper and its code, `adbroido/SFAnalysis`):
/// - **super-weak**: no alternative is favoured over the power law — for
///   neither the exponential nor the lognormal is the Vuong ratio negative
///   with `p ≤ 0.1` (B&C also test stretched-exponential and power law with
///   cut-off; Sprig tests these two);
/// - **weakest**: the power law is not rejected, bootstrap `p ≥ 0.1` (the
///   paper's wording; their code tests `p > 0.1`, which differs only when
///   `p` is exactly 0.1);
/// - **weak**: weakest, and the power-law region holds `n_tail ≥ 50` degrees;
/// - **strong**: weak and super-weak, and `2 < α̂ < 3`.
///
/// ``category`` is the strongest of these that holds, in the order
/// not scale-free < super-weak < weakest < weak < strong.
///
/// **Too short for any claim.** Independently of the category,
/// ``isTooShortForClaim`` says when the tail is too small for a power-law
/// statement to mean much: no fit at all, fewer than 50 tail degrees, or a
/// tail spanning less than one decade (`max degree < 10·x_min`). CSN (§3.3,
/// §5) and Stumpf & Porter (Science 335, 2012) ask for two or more decades;
/// one is the least Sprig accepts. Sparse layers whose degrees cluster
/// around the Erdős–Rényi mean usually land here, and then the honest
/// answer is "no claim", whatever the category.
///
/// Zero-degree neurons are left out of the fit (a power law has no mass at
/// 0) and reported in ``zeroDegreeCount``.
public struct ScaleFreeVerdict: Equatable, Sendable {
  /// Broido & Clauset's categories, weakest evidence first.
  public enum Category: Int, Comparable, Sendable, Codable, CustomStringConvertible {
    case notScaleFree, superWeak, weakest, weak, strong

    public static func < (a: Category, b: Category) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
      switch self {
      case .notScaleFree: return "not scale-free"
      case .superWeak: return "super-weak"
      case .weakest: return "weakest"
      case .weak: return "weak"
      case .strong: return "strong"
      }
    }
  }

  /// The fewest tail degrees for weak/strong evidence and for any claim (B&C).
  public static let minimumTailCount = 50
  /// The bootstrap p-value at or above which the power law is not rejected (CSN §4.1, B&C).
  public static let plausibilityLevel = 0.1
  /// The fewest decades (`log₁₀(max/x_min)`) a tail must span for any claim.
  public static let minimumDecades = 1.0

  /// The strongest category whose criteria hold.
  public let category: Category
  /// The power-law fit, `nil` when none was possible.
  public let fit: PowerLawFit?
  /// The bootstrap goodness-of-fit, if run.
  public let bootstrap: PowerLawFit.Bootstrap?
  /// The likelihood-ratio tests against the alternatives.
  public let comparisons: [LikelihoodRatioTest]
  /// Number of zero-degree neurons (excluded from the fit).
  public let zeroDegreeCount: Int
  /// Bootstrap `p ≥ 0.1`.
  public let isPowerLawPlausible: Bool
  /// No alternative is favoured over the power law.
  public let isNoAlternativeFavoured: Bool
  /// `n_tail ≥ 50`.
  public let hasLargeTail: Bool
  /// `2 < α̂ < 3`.
  public let isExponentInScaleFreeRange: Bool
  /// Whether the tail is too short for any claim (see the type's documentation).
  public let isTooShortForClaim: Bool
  /// Plain-language reasons behind the verdict, one sentence each.
  public let reasons: [String]

  /// The verdict from a fit, its bootstrap and its comparisons.
  ///
  /// - Parameters:
  ///   - fit: the power-law fit, `nil` if none could be made.
  ///   - bootstrap: the goodness-of-fit; without it the power law is not
  ///     counted as plausible (no category above super-weak).
  ///   - comparisons: likelihood-ratio tests against alternatives.
  ///   - zeroDegreeCount: zero degrees in the sequence (taken from `fit` when given).
  public init(
    fit: PowerLawFit?, bootstrap: PowerLawFit.Bootstrap?, comparisons: [LikelihoodRatioTest], zeroDegreeCount: Int = 0
  ) {
    self.fit = fit
    self.bootstrap = bootstrap
    self.comparisons = comparisons
    self.zeroDegreeCount = fit?.zeroDegreeCount ?? zeroDegreeCount
    var reasons: [String] = []
    guard let fit else {
      category = .notScaleFree
      isPowerLawPlausible = false
      isNoAlternativeFavoured = false
      hasLargeTail = false
      isExponentInScaleFreeRange = false
      isTooShortForClaim = true
      reasons.append(
        "No power law could be fitted: too few distinct positive degrees, or no x_min gives an exponent inside the search range."
      )
      if self.zeroDegreeCount > 0 {
        reasons.append("\(self.zeroDegreeCount) zero-degree neurons were left out of the fit.")
      }
      self.reasons = reasons
      return
    }
    let p = bootstrap?.pValue
    isPowerLawPlausible = p.map { $0 >= Self.plausibilityLevel } ?? false
    let favoured = comparisons.filter { $0.preference == .alternative }
    isNoAlternativeFavoured = favoured.isEmpty
    hasLargeTail = fit.tailCount >= Self.minimumTailCount
    isExponentInScaleFreeRange = fit.exponent > 2 && fit.exponent < 3
    let spansEnough = Double(fit.maximumDegree) >= pow(10, Self.minimumDecades) * Double(fit.minimum)
    isTooShortForClaim = !hasLargeTail || !spansEnough
    if isPowerLawPlausible && hasLargeTail && isNoAlternativeFavoured && isExponentInScaleFreeRange {
      category = .strong
    } else if isPowerLawPlausible && hasLargeTail {
      category = .weak
    } else if isPowerLawPlausible {
      category = .weakest
    } else if isNoAlternativeFavoured {
      category = .superWeak
    } else {
      category = .notScaleFree
    }

    let alpha = Self.format(fit.exponent, 2)
    let se = Self.format(fit.standardError, 2)
    reasons.append(
      "Power law fitted to the \(fit.tailCount) of \(fit.positiveCount) positive degrees ≥ x_min = \(fit.minimum): α = \(alpha) ± \(se), KS distance \(Self.format(fit.ksDistance, 4))."
    )
    if let b = bootstrap {
      reasons.append(
        isPowerLawPlausible
          ? "Bootstrap p = \(Self.format(b.pValue, 2)) (\(b.resamples) resamples) ≥ 0.1: the power law is not rejected."
          : "Bootstrap p = \(Self.format(b.pValue, 2)) (\(b.resamples) resamples) < 0.1: the power law is rejected.")
    } else {
      reasons.append("No bootstrap p-value was computed, so the power law is not counted as plausible.")
    }
    for c in comparisons {
      let name = c.alternative.rawValue
      let stats = "normalised R = \(Self.format(c.normalizedRatio, 2)), p = \(Self.format(c.pValue, 3))"
      switch c.preference {
      case .alternative: reasons.append("The \(name) fits the tail better than the power law (\(stats)).")
      case .powerLaw: reasons.append("The power law fits the tail better than the \(name) (\(stats)).")
      case .inconclusive: reasons.append("Power law and \(name) cannot be told apart (\(stats)).")
      }
    }
    if !hasLargeTail { reasons.append("The tail holds \(fit.tailCount) < 50 degrees.") }
    if !spansEnough {
      reasons.append("The tail spans \(fit.minimum)…\(fit.maximumDegree), less than one decade.")
    }
    if isTooShortForClaim {
      reasons.append("The tail is too short for any claim about scale-free structure.")
    }
    if self.zeroDegreeCount > 0 {
      reasons.append("\(self.zeroDegreeCount) zero-degree neurons were left out of the fit.")
    }
    self.reasons = reasons
  }

  /// The whole analysis of one degree sequence: ``PowerLawFit``, its
  /// bootstrap p-value with `resamples` synthetic sets, the likelihood-ratio
  /// tests against the exponential and the lognormal, and the verdict.
  public static func assess(_ degrees: [Int], resamples: Int = 1000, using rng: inout SeededGenerator)
    -> ScaleFreeVerdict
  {
    let zeros = degrees.filter { $0 == 0 }.count
    guard let fit = PowerLawFit.fit(degrees) else {
      return ScaleFreeVerdict(fit: nil, bootstrap: nil, comparisons: [], zeroDegreeCount: zeros)
    }
    let bootstrap = fit.bootstrapPValue(resamples: resamples, using: &rng)
    let comparisons = LikelihoodRatioTest.Alternative.allCases.compactMap { LikelihoodRatioTest.compare(fit, with: $0) }
    return ScaleFreeVerdict(fit: fit, bootstrap: bootstrap, comparisons: comparisons, zeroDegreeCount: zeros)
  }

  /// One sentence for a report: the category, or that no claim can be made.
  public var summary: String {
    if isTooShortForClaim {
      return "No claim: the power-law tail is too short (Broido–Clauset category: \(category))."
    }
    return "Broido–Clauset category: \(category)."
  }

  /// `digits` decimals, or two significant digits in scientific notation for tiny values.
  static func format(_ x: Double, _ digits: Int) -> String {
    if x != 0 && abs(x) < 1e-3 { return String(format: "%.1e", x) }
    return String(format: "%.\(digits)f", x)
  }
}
