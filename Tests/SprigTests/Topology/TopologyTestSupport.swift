// Statistics the topology and evolution tests share.
import Foundation
@testable import Sprig

enum TopologyStatistics {
  /// Sample mean and unbiased variance.
  static func meanAndVariance(_ xs: [Int]) -> (mean: Double, variance: Double) {
    let n = Double(xs.count)
    let mean = xs.reduce(0.0) { $0 + Double($1) } / n
    let variance = xs.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
    return (mean, variance)
  }

  /// The discrete power-law exponent MLE on the tail `x ≥ xMin`, with the
  /// usual continuity correction (Clauset et al. 2009, eq. 3.7):
  /// `α̂ = 1 + n / Σ ln(x / (x_min − ½))`.
  static func powerLawExponent(_ degrees: [Int], minimum xMin: Int) -> (exponent: Double, tail: Int) {
    let tail = degrees.filter { $0 >= xMin }
    let s = tail.reduce(0.0) { $0 + Foundation.log(Double($1) / (Double(xMin) - 0.5)) }
    return (1 + Double(tail.count) / s, tail.count)
  }

  /// Pattern as a set of row-major keys.
  static func keys(_ p: SparsityPattern) -> Set<Int> {
    var s = Set<Int>()
    for i in 0..<p.rows { for c in p.columns(ofRow: i) { s.insert(i * p.columns + Int(c)) } }
    return s
  }
}
