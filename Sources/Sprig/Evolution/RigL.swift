// RigL: Rigging the Lottery (Evci et al. 2020) — drop the smallest-magnitude
// connections, grow where the loss gradient is largest, computed blockwise
// so the dense gradient never exists.

/// RigL's rewire step.
///
/// Removes the `⌊ζ·n⌋` connections of smallest `|w|` (ties by position),
/// then grows as many at the positions with the largest `|∂L/∂W|` among
/// those not held by a survivor. The gradient of an absent connection
/// `(i, j)` is `Σ_b dY[i, b]·X[j, b]`, so the scores are `|dY·Xᵀ|`; they are
/// computed for blocks of output rows with one sgemm each (a `rows × n_in`
/// block, at most 4 M floats) and streamed through a size-`k` heap of the
/// best absent positions, so memory is O(k + block), never `n_in × n_out`.
/// New weights are zero (RigL's choice: the function the network computes
/// is unchanged) and start with zero optimizer state.
///
/// As in the reference implementation, a just-dropped position may be
/// grown again (at zero); set ``regrowDropped`` to false to exclude them.
///
/// ``rewire(_:using:)`` reads `X` and `dY` from ``gradients``, which the
/// training loop fills before evolution (see ``GradientCapture``);
/// ``rewire(_:input:outputGradient:)`` takes them directly.
public struct RigLEvolution: EvolutionStrategy {
  /// The fraction of connections dropped (and grown) per step.
  public var zeta: Double
  /// Whether positions dropped in this step may be grown again.
  public var regrowDropped: Bool
  /// Where ``rewire(_:using:)`` finds each layer's batch.
  public let gradients: GradientCapture

  /// - Parameters:
  ///   - zeta: the fraction dropped and regrown, in [0, 1] (RigL's α, default 0.3).
  ///   - regrowDropped: allow growing just-dropped positions (default true, as RigL).
  ///   - gradients: the capture the training loop fills.
  public init(zeta: Double = 0.3, regrowDropped: Bool = true, gradients: GradientCapture = GradientCapture()) {
    precondition((0...1).contains(zeta), "RigL: zeta must be in [0, 1]")
    self.zeta = zeta
    self.regrowDropped = regrowDropped
    self.gradients = gradients
  }

  public var name: String { "rigl" }

  /// Rewires `layer` from the batch recorded for it in ``gradients``
  /// (RigL itself draws nothing at random; `rng` is unused).
  public func rewire(_ layer: SparseLinear, using rng: inout SeededGenerator) -> RewireReport {
    guard let batch = gradients.batch(for: layer) else {
      preconditionFailure("RigL: no gradient batch recorded for \(layer.name); call GradientCapture.capture(model:features:targets:loss:) before evolving")
    }
    return rewire(layer, input: batch.input, outputGradient: batch.outputGradient)
  }

  /// Rewires `layer` with gradient scores from `x` (`n_in × B`, the layer's
  /// input) and `dY` (`n_out × B`, ∂L/∂output) of one batch.
  @discardableResult
  public func rewire(_ layer: SparseLinear, input x: Matrix, outputGradient dY: Matrix) -> RewireReport {
    let old = layer.pattern
    let remove = dropMask(layer.weight.value)
    let removed = remove.reduce(0) { $0 + ($1 ? 1 : 0) }
    let blocked = regrowDropped ? old.nonzeroCount - removed : old.nonzeroCount
    let capacity = old.rows * old.columns - blocked
    let keys = growthPositions(
      old, excluding: regrowDropped ? remove : nil, count: min(removed, capacity), input: x, outputGradient: dY)
    let connections = Rewiring.apply(to: layer, removing: remove, adding: keys) { _, _ in 0 }
    return RewireReport(removed: removed, added: keys.count, connections: connections)
  }

  /// Which positions (CSR indices) RigL drops: the `⌊ζ·n⌋` smallest `|w|`,
  /// ties at the threshold in position order.
  public func dropMask(_ values: [Float]) -> [Bool] {
    let count = Int(zeta * Double(values.count))
    var mask = [Bool](repeating: false, count: values.count)
    guard count > 0 else { return mask }
    var magnitudes = values.map { abs($0) }
    let threshold = SETEvolution.select(&magnitudes, count - 1)
    var ties = count
    for v in values where abs(v) < threshold { ties -= 1 }
    for (k, v) in values.enumerated() {
      let m = abs(v)
      if m < threshold {
        mask[k] = true
      } else if m == threshold && ties > 0 {
        mask[k] = true
        ties -= 1
      }
    }
    return mask
  }

  /// The `count` positions with the largest `|(dY·Xᵀ)[i, j]|` that no
  /// survivor holds, as sorted row-major keys `i · n_in + j`. Held means
  /// stored in `pattern` and, when `removing` is given, not marked in it.
  /// Ties go to the smaller key.
  public func growthPositions(
    _ pattern: SparsityPattern, excluding removing: [Bool]?, count: Int, input x: Matrix, outputGradient dY: Matrix
  ) -> [Int] {
    let (rows, columns) = (pattern.rows, pattern.columns)
    precondition(x.rows == columns && dY.rows == rows && x.columns == dY.columns,
      "RigL: input \(x.rows)×\(x.columns) and gradient \(dY.rows)×\(dY.columns) for a \(rows)×\(columns) layer")
    guard count > 0 else { return [] }
    let batch = x.columns
    var heap = TopScores(capacity: count)
    // Rows per block: 64, fewer for wide layers so a block stays ≤ 4 M floats.
    let blockRows = max(1, min(64, (1 << 22) / max(columns, 1)))
    var block = [Float](repeating: 0, count: blockRows * columns)
    for r0 in stride(from: 0, to: rows, by: blockRows) {
      let r1 = min(rows, r0 + blockRows), m = r1 - r0
      if block.count != m * columns { block = [Float](repeating: 0, count: m * columns) }
      if batch == 0 {
        for t in block.indices { block[t] = 0 }
      } else {
        let a = Array(dY.elements[(r0 * batch)..<(r1 * batch)])  // (m, B)
        BLAS.gemm(m: m, n: columns, k: batch, a, x.elements, transposeB: true, into: &block)  // (m, n_in) = dY·Xᵀ
      }
      for i in r0..<r1 {
        let base = (i - r0) * columns
        var k = Int(pattern.rowPointers[i])
        let end = Int(pattern.rowPointers[i + 1])
        for j in 0..<columns {
          // Skip survivors: walk the row's sorted columns alongside j.
          while k < end && Int(pattern.columnIndices[k]) < j { k += 1 }
          if k < end && Int(pattern.columnIndices[k]) == j && !(removing?[k] ?? false) { continue }
          heap.offer(score: abs(block[base + j]), key: i * columns + j)
        }
      }
    }
    return heap.keys.sorted()
  }
}

/// The `capacity` best (score, key) pairs seen: a min-heap whose root is
/// the worst kept pair (lower score, or equal score and larger key).
struct TopScores {
  private(set) var scores: [Float] = []
  private(set) var keys: [Int] = []
  let capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
    scores.reserveCapacity(capacity)
    keys.reserveCapacity(capacity)
  }

  /// Whether (a, ka) ranks below (b, kb).
  @inline(__always)
  static func worse(_ a: Float, _ ka: Int, _ b: Float, _ kb: Int) -> Bool { a < b || (a == b && ka > kb) }

  mutating func offer(score: Float, key: Int) {
    if scores.count < capacity {
      scores.append(score)
      keys.append(key)
      var c = scores.count - 1
      while c > 0 {
        let p = (c - 1) / 2
        guard Self.worse(scores[c], keys[c], scores[p], keys[p]) else { break }
        scores.swapAt(c, p); keys.swapAt(c, p)
        c = p
      }
      return
    }
    guard Self.worse(scores[0], keys[0], score, key) else { return }
    scores[0] = score
    keys[0] = key
    var p = 0
    let n = scores.count
    while true {
      let l = 2 * p + 1, r = l + 1
      var w = p
      if l < n && Self.worse(scores[l], keys[l], scores[w], keys[w]) { w = l }
      if r < n && Self.worse(scores[r], keys[r], scores[w], keys[w]) { w = r }
      if w == p { break }
      scores.swapAt(p, w); keys.swapAt(p, w)
      p = w
    }
  }
}
