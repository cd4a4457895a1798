// ERKDensities: per-layer densities for one global sparsity target, the
// Erdős–Rényi–Kernel rule of RigL (Evci et al. 2020).

/// Erdős–Rényi–Kernel (ERK) allocation of a global connection budget.
///
/// Layer `l` with `n_in × n_out` positions gets density
/// `d_l = min(1, c · (n_in + n_out) / (n_in · n_out))`, i.e. SET's ε-rule with
/// one shared `c` (= ε), chosen so that `Σ d_l · n_in · n_out` equals
/// `density · Σ n_in · n_out`. Small layers would exceed density 1 first;
/// they are made dense and their excess is redistributed over the others
/// (RigL's reference code does the same), so the budget is met exactly
/// whenever it is reachable.
public enum ERKDensities {
  /// The shape of one layer: input and output unit counts.
  public typealias LayerShape = (inputSize: Int, outputSize: Int)

  /// The per-layer densities for a global `density` (1 − sparsity).
  ///
  /// - Parameters:
  ///   - layers: each layer's input and output sizes, in any order.
  ///   - density: the fraction of all `Σ n_in·n_out` positions to keep, in (0, 1].
  /// - Returns: one density in (0, 1] per layer, in the order given.
  /// - Throws: ``TopologyError/invalidParameter(_:)`` for an empty layer list,
  ///   a non-positive size or a density outside (0, 1].
  public static func densities(layers: [LayerShape], density: Double) throws -> [Double] {
    guard !layers.isEmpty else { throw TopologyError.invalidParameter("ERK needs at least one layer") }
    guard density > 0 && density <= 1 else {
      throw TopologyError.invalidParameter("ERK density \(density) is not in (0, 1]; give 1 − sparsity, e.g. 0.1 for 90 % sparse")
    }
    for l in layers where l.inputSize <= 0 || l.outputSize <= 0 {
      throw TopologyError.invalidParameter("ERK layer \(l.inputSize)→\(l.outputSize) has a non-positive size")
    }
    let sizes = layers.map { Double($0.inputSize) * Double($0.outputSize) }
    let scores = layers.map { Double($0.inputSize + $0.outputSize) / (Double($0.inputSize) * Double($0.outputSize)) }
    let budget = density * sizes.reduce(0, +)
    var dense = [Bool](repeating: false, count: layers.count)
    // Each pass makes at least one more layer dense, so at most `layers.count` passes.
    while true {
      var remaining = budget, weighted = 0.0
      for l in layers.indices {
        if dense[l] { remaining -= sizes[l] } else { weighted += scores[l] * sizes[l] }
      }
      if weighted == 0 { break }  // everything dense: density 1
      let c = max(0, remaining) / weighted
      // Cap the layer that overshoots most; the others are rescaled next pass.
      var worst = -1, worstDensity = 1.0
      for l in layers.indices where !dense[l] && c * scores[l] > worstDensity {
        worst = l
        worstDensity = c * scores[l]
      }
      if worst < 0 { return layers.indices.map { dense[$0] ? 1 : c * scores[$0] } }
      dense[worst] = true
    }
    return [Double](repeating: 1, count: layers.count)
  }

  /// The shared scale `c` (an ε) that ``densities(layers:density:)`` applies
  /// to the layers it does not make dense, or `nil` when all are dense.
  public static func epsilon(layers: [LayerShape], density: Double) throws -> Double? {
    let d = try densities(layers: layers, density: density)
    for (l, dl) in zip(layers, d) where dl < 1 {
      return dl * Double(l.inputSize) * Double(l.outputSize) / Double(l.inputSize + l.outputSize)
    }
    return nil
  }
}
