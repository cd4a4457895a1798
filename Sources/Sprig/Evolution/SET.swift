// SET: Sparse Evolutionary Training's prune-and-regrow step (Mocanu et al. 2018).

/// Sparse Evolutionary Training's rewire step.
///
/// Removes the fraction `zeta` of the smallest positive weights and,
/// separately, the fraction `zeta` of the negative weights closest to zero,
/// then regrows exactly as many connections at uniformly random positions
/// that hold no surviving connection, with small random weights. The
/// connection count is unchanged; surviving connections keep their weights
/// and optimizer state, new ones start with zero state.
///
/// Cost is linear in the connections apart from sorting the new positions:
/// thresholds by quickselect, regrowth by drawing positions in bulk,
/// sorting them, and merging them into each row (``Rewiring``).
public struct SETEvolution: EvolutionStrategy {
  /// The fraction of each sign's weights removed per step.
  public var zeta: Double
  /// New weights are drawn from the layer's initialization for the row's
  /// in-degree, scaled by this factor: small, so a new connection does not
  /// disturb what the network computes, but not zero, so it can grow.
  /// (Measured on MNIST: 0.1 beats 1.0 by a point after 10 epochs. With the
  /// SET paper's settings, lr 0.01, 20 epochs, one seed: 0 gave 96.32 %,
  /// 0.1 96.22 %, 1.0 94.02 % and no rewiring 96.50 %. At that rate every
  /// scale trails the fixed topology early on; on MNIST and Fashion-MNIST
  /// SET pulls ahead for good after 78-212 epochs, see docs/results.md.)
  public var regrowthScale: Float
  /// The distribution new weights are drawn from (before scaling).
  public var initialization: WeightInitialization

  public init(zeta: Double = 0.3, regrowthScale: Float = 0.1, initialization: WeightInitialization = .heUniform) {
    precondition((0...1).contains(zeta), "SET: zeta must be in [0, 1]")
    self.zeta = zeta
    self.regrowthScale = regrowthScale
    self.initialization = initialization
  }

  public var name: String { "set" }

  /// Which positions (CSR indices) SET removes from `values`: the
  /// `⌊ζ·n₊⌋` smallest non-negative values and the `⌊ζ·n₋⌋` negative values
  /// closest to zero. Ties at the threshold go by position, so the choice is
  /// exact and deterministic.
  public func removalMask(_ values: [Float]) -> [Bool] {
    var positive: [Float] = [], negative: [Float] = []  // negatives as magnitudes
    positive.reserveCapacity(values.count); negative.reserveCapacity(values.count)
    for v in values { if v >= 0 { positive.append(v) } else { negative.append(-v) } }
    let removePositive = Int(zeta * Double(positive.count))
    let removeNegative = Int(zeta * Double(negative.count))
    let positiveThreshold = removePositive > 0 ? Self.select(&positive, removePositive - 1) : -1
    let negativeThreshold = removeNegative > 0 ? Self.select(&negative, removeNegative - 1) : -1
    // Everything strictly inside a threshold goes; ties at it go in position order.
    var tiesPositive = removePositive, tiesNegative = removeNegative
    for v in values {
      if v >= 0 { if v < positiveThreshold { tiesPositive -= 1 } } else if -v < negativeThreshold { tiesNegative -= 1 }
    }
    var mask = [Bool](repeating: false, count: values.count)
    for (k, v) in values.enumerated() {
      if v >= 0 {
        if v < positiveThreshold {
          mask[k] = true
        } else if v == positiveThreshold && tiesPositive > 0 {
          mask[k] = true
          tiesPositive -= 1
        }
      } else {
        if -v < negativeThreshold {
          mask[k] = true
        } else if -v == negativeThreshold && tiesNegative > 0 {
          mask[k] = true
          tiesNegative -= 1
        }
      }
    }
    return mask
  }

  /// The positions ``removalMask(_:)`` marks, in increasing order.
  public func positionsToRemove(_ values: [Float]) -> [Int] {
    removalMask(values).enumerated().compactMap { $0.element ? $0.offset : nil }
  }

  /// The `k`-th smallest element (0-based) of `a`, reordering `a` (quickselect).
  static func select(_ a: inout [Float], _ k: Int) -> Float {
    a.withUnsafeMutableBufferPointer { p in
      var lo = 0, hi = p.count - 1
      while lo < hi {
        // Median of three as pivot keeps sorted inputs linear.
        let mid = (lo + hi) / 2
        let pivot = max(min(p[lo], p[mid]), min(max(p[lo], p[mid]), p[hi]))
        var i = lo, j = hi
        while i <= j {
          while p[i] < pivot { i += 1 }
          while p[j] > pivot { j -= 1 }
          if i <= j {
            p.swapAt(i, j)
            i += 1
            j -= 1
          }
        }
        if k <= j { hi = j } else if k >= i { lo = i } else { return p[k] }
      }
      return p[k]
    }
  }

  public func rewire(_ layer: SparseLinear, using rng: inout SeededGenerator) -> RewireReport {
    let old = layer.pattern
    let values = layer.weight.value
    let remove = removalMask(values)
    let removed = remove.reduce(0) { $0 + ($1 ? 1 : 0) }
    let (rows, columns) = (old.rows, old.columns)
    let capacity = rows * columns - (old.nonzeroCount - removed)
    let toAdd = min(removed, capacity)

    // Draw new positions in bulk as row-major keys, then sort, drop
    // duplicates and positions a survivor holds, and draw again for the
    // shortfall. A just-removed position may be drawn again, as in the
    // reference implementation. Nearly full layers enumerate free positions.
    var keys: [Int] = []
    keys.reserveCapacity(toAdd)
    func held(_ key: Int) -> Bool {
      guard let k = old.position(row: key / columns, column: key % columns) else { return false }
      return !remove[k]
    }
    if Double(toAdd) < 0.5 * Double(capacity) {
      while keys.count < toAdd {
        var fresh: [Int] = []
        fresh.reserveCapacity(toAdd - keys.count)
        for _ in 0..<(toAdd - keys.count) {
          let key = rng.nextInt(below: rows) * columns + rng.nextInt(below: columns)
          if !held(key) { fresh.append(key) }
        }
        keys += fresh
        Rewiring.sortUnique(&keys)
      }
    } else {
      var free: [Int] = []
      for key in 0..<(rows * columns) where !held(key) { free.append(key) }
      for i in 0..<toAdd { free.swapAt(i, i + rng.nextInt(below: free.count - i)) }
      keys = Array(free.prefix(toAdd)).sorted()
    }

    let fanOut = Double(old.nonzeroCount - removed + toAdd) / Double(max(columns, 1))
    let connections = Rewiring.apply(to: layer, removing: remove, adding: keys) { _, degree in
      regrowthScale * initialization.sample(fanIn: degree, fanOut: fanOut, using: &rng)
    }
    return RewireReport(removed: removed, added: toAdd, connections: connections)
  }
}
