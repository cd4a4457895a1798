// PowerLawBootstrap: the goodness-of-fit p-value of a power-law fit by the semi-parametric bootstrap (CSN §4.1).
import Dispatch

extension PowerLawFit {
  /// The outcome of ``PowerLawFit/bootstrapPValue(resamples:using:)``.
  public struct Bootstrap: Equatable, Sendable, Codable {
    /// `p`: the fraction of synthetic sets whose own best fit is at least as
    /// far (KS distance) from them as the real data are from theirs.
    public let pValue: Double
    /// Number of synthetic sets drawn.
    public let resamples: Int
    /// Synthetic sets that no power law could be fitted to (left out of `p`).
    public let failedFits: Int
    /// The KS distance of each synthetic set's own fit, in draw order (failed fits left out).
    public let distances: [Double]
  }

  /// The goodness-of-fit p-value of this fit by the semi-parametric
  /// bootstrap of Clauset, Shalizi & Newman (2009), §4.1.
  ///
  /// Each synthetic set has as many values as the positive degrees fitted.
  /// For each value, with probability `n_tail/n` it is drawn from the fitted
  /// power law (exact inversion, ``DiscretePowerLaw/sampler(tableSize:)``),
  /// otherwise uniformly from the observed degrees below `x_min`. Each set
  /// is refitted with the full `x_min` search and the same options, and
  /// `p = #{D_synthetic ≥ D_observed} / #{fitted sets}` (0 if no set
  /// could be fitted, which does not happen for sane fits). CSN reject the
  /// power law when `p ≤ 0.1`; `resamples = 2500` gives `p` to ±0.01
  /// (`n ≈ ¼·ε⁻²`), 100 is a quick look.
  ///
  /// Resample `i` draws from its own generator `SeededGenerator(seed: s).derived(i)`
  /// with `s` taken once from `rng`, so the result depends on the seed
  /// only, not on how the resamples are spread over threads
  /// (`DispatchQueue.concurrentPerform`).
  ///
  /// - Parameters:
  ///   - resamples: the number of synthetic sets (≥ 1).
  ///   - rng: the random source; advanced by one draw.
  public func bootstrapPValue(resamples: Int, using rng: inout SeededGenerator) -> Bootstrap {
    precondition(resamples >= 1, "bootstrapPValue: resamples must be at least 1")
    let base = SeededGenerator(seed: rng.next())
    let sampler = law.sampler()
    let head = Array(self.head)
    let n = positiveCount
    let tailFraction = Double(tailCount) / Double(n)
    let minimumTailCount = self.minimumTailCount
    let maximumExponent = self.maximumExponent
    var distances = [Double](repeating: .nan, count: resamples)
    distances.withUnsafeMutableBufferPointer { out in
      let results = out
      DispatchQueue.concurrentPerform(iterations: resamples) { i in
        var g = base.derived(UInt64(i))
        var synthetic = [Int]()
        synthetic.reserveCapacity(n)
        for _ in 0..<n {
          let u = Double(g.next() >> 11) * 0x1.0p-53
          if u < tailFraction || head.isEmpty {
            synthetic.append(sampler.next(using: &g))
          } else {
            synthetic.append(head[g.nextInt(below: head.count)])
          }
        }
        synthetic.sort()
        let refit = PowerLawFit.fitSorted(
          synthetic, zeroDegreeCount: 0, minimumTailCount: minimumTailCount, maximumExponent: maximumExponent)
        results[i] = refit?.ksDistance ?? .nan
      }
    }
    let fitted = distances.filter { !$0.isNaN }
    let atLeast = fitted.filter { $0 >= ksDistance }.count
    return Bootstrap(
      pValue: fitted.isEmpty ? 0 : Double(atLeast) / Double(fitted.count), resamples: resamples,
      failedFits: resamples - fitted.count, distances: fitted)
  }
}
