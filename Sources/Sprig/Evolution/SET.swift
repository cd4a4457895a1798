// SET: Sparse Evolutionary Training's prune-and-regrow step (Mocanu et al. 2018).

/// Sparse Evolutionary Training's rewire step.
///
/// Removes the fraction `zeta` of the smallest positive weights and,
/// separately, the fraction `zeta` of the negative weights closest to zero,
/// then regrows exactly as many connections at uniformly random positions
/// that hold no surviving connection, with small random weights. The
/// connection count is unchanged; surviving connections keep their weights
/// and optimizer state, new ones start with zero state.
public struct SETEvolution: EvolutionStrategy {
  /// The fraction of each sign's weights removed per step.
  public var zeta: Double
  /// New weights are drawn from the layer's initialization for the row's
  /// in-degree, scaled by this factor: small, so a new connection does not
  /// disturb what the network computes, but not zero, so it can grow.
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

  /// The positions (CSR indices) SET removes from `values`: the
  /// `⌊ζ·n₊⌋` smallest non-negative values and the `⌊ζ·n₋⌋` negative values
  /// closest to zero. Ties are broken by position, so the choice is exact
  /// and deterministic.
  public func positionsToRemove(_ values: [Float]) -> [Int] {
    var positive: [Int] = [], negative: [Int] = []
    for (k, v) in values.enumerated() {
      if v >= 0 { positive.append(k) } else { negative.append(k) }
    }
    let removePositive = Int(zeta * Double(positive.count))
    let removeNegative = Int(zeta * Double(negative.count))
    positive.sort { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
    negative.sort { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
    return Array(positive.prefix(removePositive)) + Array(negative.prefix(removeNegative))
  }

  public func rewire(_ layer: SparseLinear, using rng: inout SeededGenerator) -> RewireReport {
    let old = layer.pattern
    let values = layer.weight.value
    var keep = [Bool](repeating: true, count: old.nonzeroCount)
    let removed = positionsToRemove(values)
    for k in removed { keep[k] = false }

    // Regrow at random positions not held by a survivor (a just-removed
    // position may be drawn again, as in the reference implementation).
    let capacity = old.rows * old.columns - (old.nonzeroCount - removed.count)
    let toAdd = min(removed.count, capacity)
    var chosen = Set<Int>(minimumCapacity: toAdd)
    var added: [[Int32]] = Array(repeating: [], count: old.rows)
    func occupied(_ r: Int, _ c: Int) -> Bool {
      if let k = old.position(row: r, column: c), keep[k] { return true }
      return chosen.contains(r * old.columns + c)
    }
    if Double(toAdd) < 0.5 * Double(capacity) {
      // Rejection sampling: cheap while most positions are free.
      while chosen.count < toAdd {
        let r = rng.nextInt(below: old.rows), c = rng.nextInt(below: old.columns)
        if occupied(r, c) { continue }
        chosen.insert(r * old.columns + c)
        added[r].append(Int32(c))
      }
    } else {
      // Nearly full layer: enumerate the free positions and pick from them.
      var free: [Int] = []
      for r in 0..<old.rows {
        for c in 0..<old.columns where !occupied(r, c) { free.append(r * old.columns + c) }
      }
      for i in 0..<toAdd {
        let j = i + rng.nextInt(below: free.count - i)
        free.swapAt(i, j)
        added[free[i] / old.columns].append(Int32(free[i] % old.columns))
      }
    }

    // Merge survivors and new connections row by row, keeping columns sorted.
    var pointers = [Int32](repeating: 0, count: old.rows + 1)
    var columns: [Int32] = [], newValues: [Float] = [], source: [Int32] = []
    let total = old.nonzeroCount - removed.count + toAdd
    columns.reserveCapacity(total); newValues.reserveCapacity(total); source.reserveCapacity(total)
    let fanOut = Double(total) / Double(max(old.columns, 1))
    for r in 0..<old.rows {
      added[r].sort()
      var k = Int(old.rowPointers[r])
      let end = Int(old.rowPointers[r + 1])
      var a = 0
      var degree = added[r].count
      for j in k..<end where keep[j] { degree += 1 }
      while k < end || a < added[r].count {
        if k < end && !keep[k] { k += 1; continue }
        if a < added[r].count && (k >= end || added[r][a] < old.columnIndices[k]) {
          columns.append(added[r][a])
          newValues.append(regrowthScale * initialization.sample(fanIn: degree, fanOut: fanOut, using: &rng))
          source.append(-1)
          a += 1
        } else {
          columns.append(old.columnIndices[k])
          newValues.append(values[k])
          source.append(Int32(k))
          k += 1
        }
      }
      pointers[r + 1] = Int32(columns.count)
    }
    let pattern = SparsityPattern(unchecked: old.rows, columns: old.columns, rowPointers: pointers, columnIndices: columns)
    layer.replacePattern(pattern, weights: newValues, source: source)
    return RewireReport(removed: removed.count, added: toAdd, connections: pattern.nonzeroCount)
  }
}
