// SmallWorldTopology: Watts–Strogatz wiring on a bipartite layer — a ring
// lattice band around each unit's home, each connection rewired with
// probability β.
import Foundation

/// Watts–Strogatz small-world topology for a layer (Watts & Strogatz 1998),
/// adapted to a bipartite graph.
///
/// Inputs lie on a ring. Output unit `i` has a home position
/// `h(i) = ⌊i · n_in / n_out⌋` on it (see ``homePosition(ofOutput:inputSize:outputSize:)``)
/// and first connects to the `K` inputs nearest its home, offsets
/// `−⌊K/2⌋ ..< K − ⌊K/2⌋` around the ring: the lattice band. Then each of
/// those connections is, with probability `β`, moved to an input drawn
/// uniformly among those the unit is not connected to (as NetworkX does,
/// the old input counts as connected while the new one is drawn). Every unit
/// keeps in-degree `K`; `β = 0` is the pure band (local, high clustering),
/// `β = 1` a random `K`-regular-in-degree graph whose input out-degrees are
/// binomial like Erdős–Rényi's, and small `β` gives the short paths of a
/// random graph while staying mostly local.
///
/// Time and memory are O(connections + inputs).
public enum SmallWorldTopology {
  /// Unit `output`'s home position on the input ring: `⌊output · n_in / n_out⌋`,
  /// spreading homes evenly so every input is near some unit's home.
  @inlinable
  public static func homePosition(ofOutput output: Int, inputSize: Int, outputSize: Int) -> Int {
    Int((Int64(output) * Int64(inputSize)) / Int64(outputSize))
  }

  /// A small-world pattern.
  ///
  /// - Parameters:
  ///   - inputSize: input units `n_in` (the ring).
  ///   - outputSize: output units `n_out`.
  ///   - neighbours: `K`, the band width and every unit's in-degree, in `0...n_in`.
  ///   - rewiringProbability: `β` in [0, 1].
  ///   - rng: the random source.
  public static func pattern(
    inputSize: Int, outputSize: Int, neighbours: Int, rewiringProbability beta: Double,
    using rng: inout SeededGenerator
  ) -> SparsityPattern {
    precondition(inputSize > 0 && outputSize > 0, "SmallWorldTopology: sizes must be positive")
    precondition((0...inputSize).contains(neighbours), "SmallWorldTopology: K = \(neighbours) is not in 0...\(inputSize)")
    precondition((0...1).contains(beta), "SmallWorldTopology: β = \(beta) is not in [0, 1]")
    precondition(Double(neighbours) * Double(outputSize) < Double(Int32.max), "SmallWorldTopology: too many connections for Int32 indices")
    let k = neighbours
    var pointers = [Int32](repeating: 0, count: outputSize + 1)
    var columns = [Int32](repeating: 0, count: k * outputSize)
    // owner[j] == i + 1 while input j is connected to unit i: an O(1)
    // membership test without a per-row set.
    var owner = [Int32](repeating: 0, count: inputSize)
    let canRewire = k < inputSize  // with every input connected there is nowhere to go
    columns.withUnsafeMutableBufferPointer { cols in
      owner.withUnsafeMutableBufferPointer { own in
        for i in 0..<outputSize {
          let base = i * k, tag = Int32(i + 1)
          let home = homePosition(ofOutput: i, inputSize: inputSize, outputSize: outputSize)
          for t in 0..<k {
            var j = (home - k / 2 + t) % inputSize
            if j < 0 { j += inputSize }
            cols[base + t] = Int32(j)
            own[j] = tag
          }
          if canRewire && beta > 0 {
            for t in 0..<k where beta >= 1 || Double(rng.next() >> 11) * 0x1.0p-53 < beta {
              var j = rng.nextInt(below: inputSize)
              while own[j] == tag { j = rng.nextInt(below: inputSize) }
              own[Int(cols[base + t])] = 0
              own[j] = tag
              cols[base + t] = Int32(j)
            }
          }
          cols[base..<(base + k)].sort()
          pointers[i + 1] = Int32(base + k)
        }
      }
    }
    return SparsityPattern(unchecked: outputSize, columns: inputSize, rowPointers: pointers, columnIndices: columns)
  }

  /// A small-world pattern with about SET's `ε(n_in + n_out)` connections:
  /// `K = round(ε(n_in + n_out) / n_out)`, capped at `n_in`.
  public static func pattern(
    inputSize: Int, outputSize: Int, epsilon: Double, rewiringProbability beta: Double,
    using rng: inout SeededGenerator
  ) -> SparsityPattern {
    let k = min(inputSize, max(0, Int((epsilon * Double(inputSize + outputSize) / Double(outputSize)).rounded())))
    return pattern(inputSize: inputSize, outputSize: outputSize, neighbours: k, rewiringProbability: beta, using: &rng)
  }
}
