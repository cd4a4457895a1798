// DegreeStatistics: summary numbers of one degree sequence.

/// Summary statistics of a degree sequence (one number per neuron: its
/// in-degree or out-degree), in `Double`.
///
/// Zero-degree neurons are included in every statistic here and counted in
/// ``zeroCount``; the power-law fit (``PowerLawFit``) is the place that
/// excludes them.
public struct DegreeStatistics: Equatable, Sendable, Codable {
  /// Number of neurons `n`.
  public let count: Int
  /// Mean degree `k̄ = Σkᵢ / n`.
  public let mean: Double
  /// Population variance `Σ(kᵢ − k̄)² / n` (divided by `n`, not `n − 1`:
  /// the sequence is the whole layer, not a sample of it).
  public let variance: Double
  /// The index of dispersion `variance / mean`. An Erdős–Rényi layer has
  /// `≈ 1 − p` (binomial degrees); heavy tails push it far above 1.
  /// 0 when the mean is 0.
  public let varianceToMeanRatio: Double
  /// The smallest degree (0 for an empty sequence).
  public let minimum: Int
  /// The largest degree (0 for an empty sequence).
  public let maximum: Int
  /// The Gini coefficient of the degrees, in `[0, (n−1)/n]`:
  /// `G = Σᵢ (2i − n − 1)·k₍ᵢ₎ / (n·Σkᵢ)` with `k₍₁₎ ≤ … ≤ k₍ₙ₎` sorted
  /// ascending (the mean absolute difference over twice the mean). 0 when
  /// every neuron has the same degree (or all are 0), `(n−1)/n` when one
  /// neuron holds every connection.
  public let gini: Double
  /// Number of neurons with degree 0 (dead inputs or outputs).
  public let zeroCount: Int

  /// The statistics of `degrees`; every degree must be non-negative.
  public init(_ degrees: [Int]) {
    precondition(degrees.allSatisfy { $0 >= 0 }, "DegreeStatistics: degrees must be non-negative")
    let n = degrees.count
    count = n
    guard n > 0 else {
      mean = 0
      variance = 0
      varianceToMeanRatio = 0
      minimum = 0
      maximum = 0
      gini = 0
      zeroCount = 0
      return
    }
    let sorted = degrees.sorted()
    var total = 0.0
    var weighted = 0.0  // Σ (2i − n − 1)·k₍ᵢ₎, i from 1
    for (index, k) in sorted.enumerated() {
      total += Double(k)
      weighted += Double(2 * (index + 1) - n - 1) * Double(k)
    }
    let m = total / Double(n)
    var squares = 0.0
    for k in sorted {
      let d = Double(k) - m
      squares += d * d
    }
    mean = m
    variance = squares / Double(n)
    varianceToMeanRatio = m > 0 ? variance / m : 0
    minimum = sorted[0]
    maximum = sorted[n - 1]
    gini = total > 0 ? weighted / (Double(n) * total) : 0
    zeroCount = sorted.prefix { $0 == 0 }.count
  }
}
