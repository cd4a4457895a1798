// AliasTable: O(1) draws from a fixed discrete distribution (Walker/Vose),
// for the weighted samplers of the topology generators.

/// Draws index `j` with probability `weights[j] / Σ weights` in O(1) after
/// an O(n) build (Vose's alias method).
struct AliasTable: Sendable {
  private var probability: [Double]
  private var alias: [Int32]

  /// A table over non-negative `weights` with a positive sum.
  init(_ weights: [Double]) {
    let n = weights.count
    precondition(n > 0 && n < Int(Int32.max), "AliasTable: \(n) weights")
    let total = weights.reduce(0, +)
    precondition(total > 0 && total.isFinite, "AliasTable: weights must have a positive finite sum")
    var scaled = weights.map { $0 * Double(n) / total }
    probability = [Double](repeating: 1, count: n)
    alias = (0..<n).map { Int32($0) }  // an index left over is its own alias
    var small: [Int] = [], large: [Int] = []
    for j in 0..<n { if scaled[j] < 1 { small.append(j) } else { large.append(j) } }
    while let s = small.popLast(), let l = large.last {
      probability[s] = scaled[s]
      alias[s] = Int32(l)
      scaled[l] -= 1 - scaled[s]
      if scaled[l] < 1 {
        large.removeLast()
        small.append(l)
      }
    }
    // Leftovers (only from rounding) keep probability 1 and their own index.
  }

  var count: Int { probability.count }

  /// One index drawn from the distribution.
  @inline(__always)
  func sample(using rng: inout SeededGenerator) -> Int {
    let j = rng.nextInt(below: probability.count)
    return Double(rng.next() >> 11) * 0x1.0p-53 < probability[j] ? j : Int(alias[j])
  }
}
