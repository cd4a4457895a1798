// HammingNetwork: the nearest stored pattern in Hamming distance, by a matching layer and MAXNET.

/// A Hamming network (Lippmann 1987): a classifier of bipolar (±1)
/// vectors that picks the stored prototype nearest in Hamming distance.
///
/// **Matching layer.** With `M` prototypes `p^j` of `n` values, unit `j`
/// has weights `w_j = p^j / 2` and bias (threshold) `n/2`, so
///
///     y_j = Σ_i (p^j_i / 2)·x_i + n/2 = n − d_H(x, p^j)
///
/// counts the positions where `x` agrees with `p^j`.
///
/// **MAXNET.** Lateral inhibition with `0 < ε < 1/M` is iterated,
///
///     a_j ← max(0, a_j − ε Σ_{k≠j} a_k),
///
/// until a single unit stays positive: the winner. The largest unit
/// never reaches zero (it loses at most `ε(M−1) < 1` times itself), and every
/// other shrinks relative to it, so the winner is the best match. Exact
/// ties never separate; after `maxIterations` the lowest-index unit
/// among the largest is returned.
public final class HammingNetwork {
  /// The stored bipolar prototypes, `M` vectors of `n` values.
  public let prototypes: [[Float]]
  /// MAXNET's inhibition weight, in `(0, 1/M)`.
  public let epsilon: Float

  /// A network over `prototypes` (each of ±1), with MAXNET weight
  /// `epsilon` (default `1/(2M)`, well inside `(0, 1/M)`).
  public init(prototypes: [[Float]], epsilon: Float? = nil) {
    precondition(!prototypes.isEmpty, "HammingNetwork: no prototypes")
    let n = prototypes[0].count
    precondition(prototypes.allSatisfy { $0.count == n }, "HammingNetwork: prototypes differ in length")
    precondition(prototypes.allSatisfy { $0.allSatisfy { $0 == 1 || $0 == -1 } }, "HammingNetwork: prototypes must be bipolar (±1)")
    let m = Float(prototypes.count)
    let e = epsilon ?? 1 / (2 * m)
    precondition(e > 0 && (prototypes.count == 1 || e < 1 / m), "HammingNetwork: epsilon must be in (0, 1/M) = (0, \(1 / m))")
    self.prototypes = prototypes
    self.epsilon = e
  }

  /// The length `n` of a pattern.
  public var patternSize: Int { prototypes[0].count }

  /// The matching layer's outputs, `y_j = w_j·x + n/2 = n − d_H(x, p^j)`.
  public func matchingScores(_ x: [Float]) -> [Float] {
    precondition(x.count == patternSize, "HammingNetwork: input has \(x.count) values, expected \(patternSize)")
    let threshold = Float(patternSize) / 2
    return prototypes.map { p in
      var s = threshold
      for i in 0..<p.count { s += 0.5 * p[i] * x[i] }
      return s
    }
  }

  /// Iterates MAXNET on `scores` until at most one unit is positive.
  ///
  /// - Returns: the winning unit (nil if every score is 0) and the iterations taken.
  public func maxnet(_ scores: [Float], maxIterations: Int = 10_000) -> (winner: Int?, iterations: Int) {
    var a = scores.map { max($0, 0) }
    var iterations = 0
    while a.filter({ $0 > 0 }).count > 1 && iterations < maxIterations {
      let total = a.reduce(0, +)
      a = a.map { max(0, $0 - epsilon * (total - $0)) }
      iterations += 1
    }
    guard let best = a.max(), best > 0 else { return (nil, iterations) }
    return (a.firstIndex(of: best), iterations)
  }

  /// The index of the prototype nearest to `x` in Hamming distance (nil only if `x` disagrees with every prototype everywhere).
  public func classify(_ x: [Float]) -> Int? { maxnet(matchingScores(x)).winner }
}
