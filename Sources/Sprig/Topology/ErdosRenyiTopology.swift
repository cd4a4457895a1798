// ErdosRenyiTopology: the random bipartite wiring SET starts from.
import Foundation

/// Erdős–Rényi bipartite topology: each of the `outputs × inputs` possible
/// connections exists independently with probability `p`.
///
/// SET parameterises `p` by ε: `p = ε(n_in + n_out) / (n_in · n_out)`, so a
/// layer has about `ε(n_in + n_out)` connections whatever its size.
public enum ErdosRenyiTopology {
  /// The connection probability for `epsilon`, capped at 1.
  public static func density(epsilon: Double, inputSize: Int, outputSize: Int) -> Double {
    min(1, epsilon * Double(inputSize + outputSize) / (Double(inputSize) * Double(outputSize)))
  }

  /// A pattern where each connection exists with probability `density`.
  ///
  /// Walks each row by geometric gaps between connections, so time and
  /// memory are proportional to the connections made, never to
  /// `inputs × outputs`.
  public static func pattern(
    inputSize: Int, outputSize: Int, density p: Double, using rng: inout SeededGenerator
  ) -> SparsityPattern {
    precondition(inputSize > 0 && outputSize > 0, "ErdosRenyiTopology: sizes must be positive")
    precondition((0...1).contains(p), "ErdosRenyiTopology: density \(p) is not in [0, 1]")
    let expected = Double(inputSize) * Double(outputSize) * p
    precondition(expected < Double(Int32.max) * 0.99, "ErdosRenyiTopology: \(Int(expected)) connections exceed Int32 indices")
    var pointers = [Int32](repeating: 0, count: outputSize + 1)
    var columns: [Int32] = []
    columns.reserveCapacity(Int(expected * 1.01) + 16)
    let logQ = Foundation.log1p(-p)
    for i in 0..<outputSize {
      if p >= 1 {
        for j in 0..<inputSize { columns.append(Int32(j)) }
      } else if p > 0 {
        var j = -1
        while true {
          // Gap to the next connection ~ Geometric(p): floor(log U / log(1−p)).
          let u = 1 - Double(rng.next() >> 11) * 0x1.0p-53  // (0, 1]
          let gap = Foundation.log(u) / logQ
          if gap >= Double(inputSize - j) { break }
          j += 1 + Int(gap)
          if j >= inputSize { break }
          columns.append(Int32(j))
        }
      }
      pointers[i + 1] = Int32(columns.count)
    }
    return SparsityPattern(unchecked: outputSize, columns: inputSize, rowPointers: pointers, columnIndices: columns)
  }

  /// A pattern at SET's `epsilon` (see ``density(epsilon:inputSize:outputSize:)``).
  public static func pattern(
    inputSize: Int, outputSize: Int, epsilon: Double, using rng: inout SeededGenerator
  ) -> SparsityPattern {
    pattern(
      inputSize: inputSize, outputSize: outputSize,
      density: density(epsilon: epsilon, inputSize: inputSize, outputSize: outputSize), using: &rng)
  }
}
