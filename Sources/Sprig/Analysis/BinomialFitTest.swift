// BinomialFitTest: Pearson χ² (pooled tails) and KS distance of observed degrees against Binomial(n, p).

/// A goodness-of-fit test of a degree sequence against the Erdős–Rényi null
/// ``BinomialModel``: Pearson's χ² with pooled bins, and the KS distance.
///
/// **Bins.** With `N` degrees and expected count `Eₖ = N·P(X = k)`:
/// the lower tail `[0, a]` with `a` the first `k` where `N·P(X ≤ k) ≥ 5`;
/// the upper tail `[u, n]` with `u` the last `k` where `N·P(X ≥ k) ≥ 5`; in
/// between, consecutive degrees are gathered from left to right until a
/// bin's expected count reaches 5, and a last bin still short of 5 joins the
/// upper tail. Every bin then expects at least 5 (Cochran's rule).
///
/// **Statistic.** `χ² = Σ_bins (O − E)²/E` with `bins − 1` degrees of freedom
/// (`p` is taken as known from the layer's density, not fitted), and
/// `p-value = P(χ²_{bins−1} > χ²) = Q((bins−1)/2, χ²/2)`
/// (``SpecialFunctions/chiSquaredSurvival(_:degreesOfFreedom:)``).
/// A small p-value says the degrees are not what an Erdős–Rényi layer of
/// this density would show.
///
/// **KS distance.** `D = max_k |F_N(k) − F(k)|` over integers `k` (the
/// supremum of two right-continuous step functions that jump at integers),
/// with `F_N` the empirical CDF. It is a descriptive distance here: the
/// classical KS p-value is not valid for a discrete law.
public struct BinomialFitTest: Equatable, Sendable, Codable {
  /// One pooled bin: degrees `lower…upper`, their observed and expected counts.
  public struct Bin: Equatable, Sendable, Codable {
    public let lower: Int
    public let upper: Int
    public let observed: Int
    public let expected: Double
  }

  /// The null distribution tested against.
  public let model: BinomialModel
  /// Number of degrees `N` tested (zero degrees included: the binomial has mass at 0).
  public let sampleCount: Int
  /// The pooled bins, in increasing degree order, covering `0…n`.
  public let bins: [Bin]
  /// Pearson's statistic `Σ (O − E)²/E`.
  public let chiSquared: Double
  /// `bins.count − 1`.
  public let degreesOfFreedom: Int
  /// `P(χ²_dof > chiSquared)`.
  public let pValue: Double
  /// `max_k |F_N(k) − F(k)|`.
  public let ksDistance: Double

  /// Tests `degrees` against `model`; `nil` when the pooling leaves fewer
  /// than two bins (fewer than 10 degrees, or a degenerate model), where no
  /// χ² test is possible. Every degree must lie in `0…model.trials`.
  public init?(degrees: [Int], model: BinomialModel) {
    let n = model.trials
    precondition(
      degrees.allSatisfy { (0...n).contains($0) },
      "BinomialFitTest: every degree must lie in 0…\(n), the null's number of trials")
    let total = degrees.count
    let N = Double(total)
    guard total >= 5, n > 0 else { return nil }
    // a = min k with N·P(X ≤ k) ≥ 5.
    var lo = 0
    var hi = n
    while lo < hi {
      let mid = (lo + hi) / 2
      if N * model.cumulativeProbability(mid) >= 5 { hi = mid } else { lo = mid + 1 }
    }
    let a = lo
    // u = max k with N·P(X ≥ k) = N·P(X > k−1) ≥ 5.
    lo = 0
    hi = n
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if N * model.survivalProbability(mid - 1) >= 5 { lo = mid } else { hi = mid - 1 }
    }
    let u = lo
    guard a < u else { return nil }

    var counts = [Int](repeating: 0, count: n + 1)
    for k in degrees { counts[k] += 1 }
    func observed(_ from: Int, _ to: Int) -> Int { counts[from...to].reduce(0, +) }

    var bins = [Bin(lower: 0, upper: a, observed: observed(0, a), expected: N * model.cumulativeProbability(a))]
    var start = a + 1
    var accumulated = 0.0
    if a + 1 < u {
      for k in (a + 1)..<u {
        accumulated += N * model.probability(k)
        if accumulated >= 5 {
          bins.append(Bin(lower: start, upper: k, observed: observed(start, k), expected: accumulated))
          start = k + 1
          accumulated = 0
        }
      }
    }
    bins.append(
      Bin(lower: start, upper: n, observed: observed(start, n), expected: N * model.survivalProbability(start - 1)))

    var statistic = 0.0
    for bin in bins {
      let d = Double(bin.observed) - bin.expected
      statistic += d * d / bin.expected
    }
    self.model = model
    self.sampleCount = total
    self.bins = bins
    self.chiSquared = statistic
    self.degreesOfFreedom = bins.count - 1
    self.pValue = SpecialFunctions.chiSquaredSurvival(statistic, degreesOfFreedom: bins.count - 1)
    self.ksDistance = Self.ksDistance(counts: counts, total: total, model: model)
  }

  /// `max_k |F_N(k) − F(k)|`, walking `k` from just below the smallest
  /// observed degree to the largest (outside that range one CDF is 0 or 1
  /// and the gap only shrinks).
  private static func ksDistance(counts: [Int], total: Int, model: BinomialModel) -> Double {
    guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else {
      return 0
    }
    let N = Double(total)
    var distance = 0.0
    var cdf = first > 0 ? model.cumulativeProbability(first - 1) : 0
    if first > 0 { distance = cdf }
    var seen = 0
    for k in first...last {
      // Re-anchor now and then so the running sum cannot drift.
      cdf = (k - first) % 1024 == 0 ? model.cumulativeProbability(k) : min(1, cdf + model.probability(k))
      seen += counts[k]
      distance = max(distance, abs(Double(seen) / N - cdf))
    }
    return distance
  }
}
