// ScaleFreeTopology: power-law degrees on a bipartite layer, Chung–Lu
// style (expected degrees), generated row by row in O(connections).
import Foundation

/// Scale-free topology: units on one or both sides get power-law degrees
/// `P(k) ∝ k^(−γ)` (Chung & Lu 2002, expected-degree model).
///
/// A unit of rank `r` (0 = largest hub) on a power-law side has expected
/// degree proportional to `(r + 1)^(−1/(γ−1))`, whose tail is a power law
/// with exponent `γ`; ranks are assigned to units by a random permutation,
/// so hubs are not where the indices start. Expected degrees are capped at
/// the other side's size and the excess redistributed, so the total is
/// `connections` whenever that fits.
///
/// Generation is per output unit (row): its degree is its expected degree
/// rounded up or down at random (systematic sampling, so degrees sum to
/// exactly `connections`), and its inputs are drawn without replacement
/// from the input weights with an alias table plus rejection of repeats.
/// An input's degree is then a sum of nearly independent Bernoulli draws
/// with mean its expected degree, as in Chung–Lu; only where a hub row
/// meets a hub input does the probability saturate at 1. Time and memory
/// are O(connections + units).
public enum ScaleFreeTopology {
  /// Which units get power-law degrees; the others get (nearly) equal degrees.
  public enum Side: String, Codable, CaseIterable, Sendable {
    /// Input units' out-degrees (pattern column degrees): hub inputs.
    case inputs
    /// Output units' in-degrees (pattern row degrees): hub outputs.
    case outputs
    /// Both.
    case both
  }

  /// A scale-free pattern.
  ///
  /// - Parameters:
  ///   - inputSize: input units `n_in`.
  ///   - outputSize: output units `n_out`.
  ///   - connections: the connection count aimed at, at most `n_in · n_out`.
  ///   - exponent: the degree exponent `γ` > 2 (a finite mean; 2 < γ ≤ 3 is
  ///     the range of most real networks).
  ///   - side: which units are scale-free.
  ///   - rng: the random source.
  public static func pattern(
    inputSize: Int, outputSize: Int, connections: Int, exponent gamma: Double, side: Side,
    using rng: inout SeededGenerator
  ) -> SparsityPattern {
    precondition(inputSize > 0 && outputSize > 0, "ScaleFreeTopology: sizes must be positive")
    precondition(gamma > 2, "ScaleFreeTopology: exponent γ = \(gamma) must exceed 2 for a finite mean degree")
    precondition(connections >= 0 && Double(connections) <= Double(inputSize) * Double(outputSize),
      "ScaleFreeTopology: \(connections) connections do not fit \(outputSize)×\(inputSize)")
    precondition(connections < Int(Int32.max), "ScaleFreeTopology: too many connections for Int32 indices")
    let rowsScaleFree = side != .inputs, columnsScaleFree = side != .outputs
    // Expected degrees on each side, capped by the other side's size.
    let rowDegrees = expectedDegrees(
      count: outputSize, total: connections, cap: inputSize, exponent: rowsScaleFree ? gamma : nil, using: &rng)
    let columnWeights = expectedDegrees(
      count: inputSize, total: connections, cap: outputSize, exponent: columnsScaleFree ? gamma : nil, using: &rng)
    let inputs = AliasTable(columnWeights)

    var pointers = [Int32](repeating: 0, count: outputSize + 1)
    var columns: [Int32] = []
    columns.reserveCapacity(connections)
    var owner = [Int32](repeating: 0, count: inputSize)  // owner[j] == i + 1: input j taken by row i
    let carry = Double(rng.next() >> 11) * 0x1.0p-53  // systematic rounding offset in [0, 1)
    var cumulative = 0.0
    for i in 0..<outputSize {
      let before = Int((cumulative + carry).rounded(.down))
      cumulative += rowDegrees[i]
      let degree = min(inputSize, Int((cumulative + carry).rounded(.down)) - before)
      let tag = Int32(i + 1), start = columns.count
      var tries = 0
      while columns.count - start < degree && tries < 4 * degree + 64 {
        let j = inputs.sample(using: &rng)
        tries += 1
        if owner[j] != tag {
          owner[j] = tag
          columns.append(Int32(j))
        }
      }
      let missing = degree - (columns.count - start)
      if missing > 0 {
        // Rejection stalls when the row holds most of the weight: draw the
        // rest exactly (Efraimidis–Spirakis keys log(u)/w, largest win).
        var keyed: [(key: Double, column: Int)] = []
        for j in 0..<inputSize where owner[j] != tag && columnWeights[j] > 0 {
          let u = Double(rng.next() >> 11) * 0x1.0p-53 + 0x1.0p-54
          keyed.append((Foundation.log(u) / columnWeights[j], j))
        }
        keyed.sort { $0.key > $1.key }
        for (_, j) in keyed.prefix(missing) {
          owner[j] = tag
          columns.append(Int32(j))
        }
      }
      columns[start...].sort()
      pointers[i + 1] = Int32(columns.count)
    }
    return SparsityPattern(unchecked: outputSize, columns: inputSize, rowPointers: pointers, columnIndices: columns)
  }

  /// A scale-free pattern with SET's `ε(n_in + n_out)` connections (capped at `n_in · n_out`).
  public static func pattern(
    inputSize: Int, outputSize: Int, epsilon: Double, exponent gamma: Double, side: Side,
    using rng: inout SeededGenerator
  ) -> SparsityPattern {
    let wanted = (epsilon * Double(inputSize + outputSize)).rounded()
    let connections = Int(min(wanted, Double(inputSize) * Double(outputSize)))
    return pattern(inputSize: inputSize, outputSize: outputSize, connections: connections, exponent: gamma, side: side, using: &rng)
  }

  /// Expected degrees of `count` units summing to `total`, each at most
  /// `cap`: power law `(r+1)^(−1/(γ−1))` over randomly permuted ranks, or
  /// all equal when `exponent` is nil.
  static func expectedDegrees(count: Int, total: Int, cap: Int, exponent: Double?, using rng: inout SeededGenerator) -> [Double] {
    guard let gamma = exponent else { return [Double](repeating: Double(total) / Double(count), count: count) }
    let power = -1 / (gamma - 1)
    var w = (0..<count).map { Foundation.pow(Double($0 + 1), power) }  // descending
    // Water-filling: the capped units are a prefix of the ranks (weights
    // descend); grow it until the rescaled rest fits under the cap.
    let target = min(Double(total), Double(count) * Double(cap))
    var suffix = [Double](repeating: 0, count: count + 1)
    for r in stride(from: count - 1, through: 0, by: -1) { suffix[r] = suffix[r + 1] + w[r] }
    var capped = 0
    var scale = target / suffix[0]
    while capped < count && scale * w[capped] > Double(cap) {
      capped += 1
      scale = suffix[capped] > 0 ? (target - Double(capped * cap)) / suffix[capped] : 0
    }
    for r in 0..<count { w[r] = r < capped ? Double(cap) : scale * w[r] }
    for r in stride(from: count - 1, to: 0, by: -1) { w.swapAt(r, rng.nextInt(below: r + 1)) }
    return w
  }
}
