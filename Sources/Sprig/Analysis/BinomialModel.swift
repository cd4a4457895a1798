// BinomialModel: the exact Binomial(n, p) degree law of an Erdős–Rényi layer.
import Foundation

/// The binomial distribution `Binomial(n, p)`: the exact degree law of an
/// Erdős–Rényi layer, where each of the `n_in × n_out` connections exists
/// independently with probability `p`.
///
/// For a layer with `n_in` inputs and `n_out` outputs, an output unit's
/// in-degree is `Binomial(n_in, p)` and an input unit's out-degree is
/// `Binomial(n_out, p)` (see ``inDegreeNull(of:)``, ``outDegreeNull(of:)``).
///
/// Probabilities are computed in log space with Loader's saddle-point
/// algorithm (C. Loader, "Fast and accurate computation of binomial
/// probabilities", 2000 — the method of R's `dbinom`):
/// `log P(X = k) = δ(n) − δ(k) − δ(n−k) − D(k, np) − D(n−k, nq) − ½·log(2πk(n−k)/n)`,
/// with `δ` the Stirling-series error and `D(x, m) = x·log(x/m) + m − x`
/// evaluated without cancellation. Relative accuracy is about 1e−14 for `n`
/// up to 10⁶ and beyond, where the naive `lgamma` form loses ~1e−9.
public struct BinomialModel: Equatable, Sendable, Codable {
  /// Number of trials `n` (the number of possible partners of a neuron).
  public let trials: Int
  /// Success probability `p` (the layer's connection density).
  public let probability: Double

  /// `Binomial(trials, probability)`; `trials ≥ 0`, `probability ∈ [0, 1]`.
  public init(trials: Int, probability: Double) {
    precondition(trials >= 0, "BinomialModel: trials must be non-negative, got \(trials)")
    precondition((0...1).contains(probability), "BinomialModel: probability \(probability) is not in [0, 1]")
    self.trials = trials
    self.probability = probability
  }

  /// The null for the in-degrees (``SparsityPattern/rowDegrees``) of a layer:
  /// `Binomial(n_in, p)` with `n_in = pattern.columns` and `p = pattern.density`.
  ///
  /// SET removes and regrows the same number of connections, so the density
  /// of any later pattern equals that of the Erdős–Rényi start
  /// `ε(n_in + n_out)/(n_in·n_out)` up to the start's own sampling noise.
  public static func inDegreeNull(of pattern: SparsityPattern) -> BinomialModel {
    BinomialModel(trials: pattern.columns, probability: pattern.density)
  }

  /// The null for the out-degrees (``SparsityPattern/columnDegrees``) of a
  /// layer: `Binomial(n_out, p)` with `n_out = pattern.rows`, `p = pattern.density`.
  public static func outDegreeNull(of pattern: SparsityPattern) -> BinomialModel {
    BinomialModel(trials: pattern.rows, probability: pattern.density)
  }

  /// The mean `np`.
  public var mean: Double { Double(trials) * probability }
  /// The variance `np(1 − p)`.
  public var variance: Double { Double(trials) * probability * (1 - probability) }

  /// `log P(X = k)`; `−∞` outside `0…n` or where the probability is exactly 0.
  public func logProbability(_ k: Int) -> Double {
    let n = trials
    let p = probability
    let q = 1 - probability
    guard k >= 0, k <= n else { return -.infinity }
    if p == 0 { return k == 0 ? 0 : -.infinity }
    if q == 0 { return k == n ? 0 : -.infinity }
    let nd = Double(n)
    if k == 0 { return p < 0.1 ? -Self.bd0(nd, nd * q) - nd * p : nd * log(q) }
    if k == n { return q < 0.1 ? -Self.bd0(nd, nd * p) - nd * q : nd * log(p) }
    let x = Double(k)
    let lc =
      Self.stirlingError(nd) - Self.stirlingError(x) - Self.stirlingError(nd - x)
      - Self.bd0(x, nd * p) - Self.bd0(nd - x, nd * q)
    let lf = log(2 * Double.pi) + log(x) + log1p(-x / nd)
    return lc - 0.5 * lf
  }

  /// `P(X = k)`.
  public func probability(_ k: Int) -> Double { exp(logProbability(k)) }

  /// The CDF `P(X ≤ k)`.
  ///
  /// Below the mean it sums the pmf from `k` downwards (terms fall at least
  /// geometrically), so a tiny lower-tail probability keeps its relative
  /// accuracy; above the mean it is `1 − survival(k)`.
  public func cumulativeProbability(_ k: Int) -> Double {
    if k < 0 { return 0 }
    if k >= trials { return 1 }
    if Double(k) <= mean { return lowerSum(k) }
    return max(0, 1 - upperSum(k + 1))
  }

  /// The survival function `P(X > k)` (scipy's `sf`), accurate in the upper tail.
  public func survivalProbability(_ k: Int) -> Double {
    if k < 0 { return 1 }
    if k >= trials { return 0 }
    if Double(k + 1) > mean { return upperSum(k + 1) }
    return max(0, 1 - lowerSum(k))
  }

  /// `Σ_{j ≤ k} P(X = j)`, summed from `k` down with `P(j−1)/P(j) = jq / ((n−j+1)p)`.
  private func lowerSum(_ k: Int) -> Double {
    var term = probability(k)
    var sum = term
    guard term > 0 else { return 0 }
    let p = probability
    let q = 1 - probability
    let n = Double(trials)
    var j = k
    while j > 0 {
      term *= Double(j) * q / ((n - Double(j) + 1) * p)
      sum += term
      if term <= sum * 1e-17 { break }
      j -= 1
    }
    return min(1, sum)
  }

  /// `Σ_{j ≥ k} P(X = j)`, summed from `k` up with `P(j+1)/P(j) = (n−j)p / ((j+1)q)`.
  private func upperSum(_ k: Int) -> Double {
    var term = probability(k)
    var sum = term
    guard term > 0 else { return 0 }
    let p = probability
    let q = 1 - probability
    let n = Double(trials)
    var j = k
    while j < trials {
      term *= (n - Double(j)) * p / ((Double(j) + 1) * q)
      sum += term
      if term <= sum * 1e-17 { break }
      j += 1
    }
    return min(1, sum)
  }

  /// Loader's `δ(n) = log(n!) − [(n + ½)·log n − n + ½·log(2π)]`.
  static func stirlingError(_ n: Double) -> Double {
    if n <= 15 {
      return lgamma(n + 1) - (n + 0.5) * log(n) + n - 0.5 * log(2 * Double.pi)
    }
    let s0 = 1.0 / 12
    let s1 = 1.0 / 360
    let s2 = 1.0 / 1260
    let s3 = 1.0 / 1680
    let s4 = 1.0 / 1188
    let nn = n * n
    if n > 500 { return (s0 - s1 / nn) / n }
    if n > 80 { return (s0 - (s1 - s2 / nn) / nn) / n }
    if n > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n }
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
  }

  /// Loader's deviance term `D(x, m) = x·log(x/m) + m − x`, by its series
  /// when `x ≈ m` (where the direct form cancels).
  static func bd0(_ x: Double, _ m: Double) -> Double {
    if abs(x - m) < 0.1 * (x + m) {
      var v = (x - m) / (x + m)
      var s = (x - m) * v
      var ej = 2 * x * v
      v *= v
      for j in 1..<1000 {
        ej *= v
        let s1 = s + ej / Double(2 * j + 1)
        if s1 == s { return s1 }
        s = s1
      }
      return s
    }
    return x * log(x / m) + m - x
  }
}
