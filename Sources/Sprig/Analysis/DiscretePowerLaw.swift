// DiscretePowerLaw: p(x) = x^{−α}/ζ(α, x_min) on x ≥ x_min, its tail function and an exact sampler.
import Foundation

/// The discrete power law `p(x) = x^{−α} / ζ(α, x_min)` for integers
/// `x ≥ x_min ≥ 1`, `α > 1` (Clauset, Shalizi & Newman 2009, §2).
public struct DiscretePowerLaw: Equatable, Sendable, Codable {
  /// The exponent `α`.
  public let exponent: Double
  /// The smallest value `x_min`.
  public let minimum: Int
  /// `log ζ(α, x_min)`, the log normaliser.
  public let logNormalizer: Double

  /// The law with exponent `α > 1` on `x ≥ x_min ≥ 1`.
  public init(exponent: Double, minimum: Int) {
    precondition(exponent > 1 && minimum >= 1, "DiscretePowerLaw: needs α > 1 and x_min ≥ 1")
    self.exponent = exponent
    self.minimum = minimum
    self.logNormalizer = log(SpecialFunctions.hurwitzZeta(exponent, Double(minimum)))
  }

  /// `log p(x) = −α·log x − log ζ(α, x_min)`; `−∞` below `x_min`.
  public func logProbability(_ x: Int) -> Double {
    x < minimum ? -.infinity : -exponent * log(Double(x)) - logNormalizer
  }

  /// The tail `P(X ≥ x) = ζ(α, x)/ζ(α, x_min)` (1 at and below `x_min`).
  public func tailProbability(_ x: Int) -> Double {
    x <= minimum ? 1 : exp(log(SpecialFunctions.hurwitzZeta(exponent, Double(x))) - logNormalizer)
  }

  /// A sampler by exact inversion of the tail function: with `v` uniform on
  /// `(0, 1]`, `X` is the smallest `x ≥ x_min` with `P(X ≥ x + 1) < v`, so
  /// `P(X = x) = P(X ≥ x) − P(X ≥ x + 1)` exactly (up to rounding).
  /// `P(X ≥ x)` is tabulated for `x_min ≤ x ≤ x_min + tableSize` (summed
  /// from the top end down, so small tail values keep their relative
  /// accuracy) and searched by bisection; a draw beyond the table (`v`
  /// below the table's last tail value) doubles `x` with
  /// ``SpecialFunctions/hurwitzZeta(_:_:)`` until it is bracketed, then
  /// bisects. This is exact, unlike the rounded continuous-law generator
  /// of CSN Appendix D, which is biased at small `x_min`.
  public func sampler(tableSize: Int = 1 << 14) -> Sampler { Sampler(law: self, tableSize: tableSize) }

  /// Draws from a ``DiscretePowerLaw``; build once, draw many times.
  public struct Sampler: Sendable {
    let law: DiscretePowerLaw
    /// `tail[i] = P(X ≥ x_min + i)`, decreasing, `tail[0] = 1`.
    let tail: [Double]

    init(law: DiscretePowerLaw, tableSize: Int) {
      self.law = law
      let a = law.exponent
      let m = law.minimum
      let size = max(1, tableSize)
      var zeta = [Double](repeating: 0, count: size + 1)
      zeta[size] = SpecialFunctions.hurwitzZeta(a, Double(m + size))
      for i in stride(from: size - 1, through: 0, by: -1) {
        zeta[i] = zeta[i + 1] + pow(Double(m + i), -a)
      }
      let total = zeta[0]
      tail = zeta.map { $0 / total }
    }

    /// One draw.
    public func next(using rng: inout SeededGenerator) -> Int {
      let v = (Double(rng.next() >> 11) + 1) * 0x1.0p-53  // (0, 1]
      let m = law.minimum
      let last = tail.count - 1
      if tail[last] < v {
        // Smallest i with tail[i + 1] < v; tail[0] = 1 ≥ v.
        var lo = 0
        var hi = last - 1
        while lo < hi {
          let mid = (lo + hi) / 2
          if tail[mid + 1] < v { hi = mid } else { lo = mid + 1 }
        }
        return m + lo
      }
      // Beyond the table: bracket then bisect on P(X ≥ x + 1) < v.
      var lo = m + last  // P(X ≥ lo) ≥ v … up to rounding
      var hi = lo
      let cap = 1 << 52
      repeat {
        lo = hi
        hi = min(cap, hi * 2)
      } while hi < cap && law.tailProbability(hi + 1) >= v
      while lo < hi {
        let mid = lo + (hi - lo) / 2
        if law.tailProbability(mid + 1) < v { hi = mid } else { lo = mid + 1 }
      }
      return lo
    }
  }
}
