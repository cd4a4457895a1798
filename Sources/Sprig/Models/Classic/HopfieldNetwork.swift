// HopfieldNetwork: an associative memory of bipolar patterns, Hebbian storage and sign updates.

/// A Hopfield network (Hopfield 1982) over `N` bipolar units (±1).
///
/// **Storage** is Hebbian with a zero diagonal:
///
///     W = (1/N) Σ_μ p^μ (p^μ)ᵀ,   W_ii = 0
///
/// **Recall** repeats the sign update `s_i ← sgn(Σ_j W_ij s_j)` (a unit
/// whose field is exactly 0 keeps its value) until no unit changes or a
/// step limit, either **synchronously** (all units from the same old state;
/// may end in a 2-cycle) or **asynchronously** (one unit at a time, in a
/// random order per sweep). Asynchronous updates never increase the
/// **energy** `E(s) = −½ sᵀWs`, because W is symmetric with a zero
/// diagonal, so they always settle in a local minimum.
///
/// Capacity: random patterns stay (nearly) stable while their number is
/// below about `0.14·N` (Amit, Gutfreund & Sompolinsky 1985); correlated
/// patterns, such as digit images, hold far fewer.
public final class HopfieldNetwork {
  /// The number of units, `N`.
  public let size: Int
  /// `W`, `N × N` row-major, symmetric, zero diagonal.
  public private(set) var weights: [Float]
  /// How many patterns were stored.
  public private(set) var patternCount = 0

  /// How recall updates the units.
  public enum UpdateRule: String, CaseIterable, Sendable {
    /// Every unit at once, from the previous state (one step = one update of all units).
    case synchronous
    /// One unit at a time, in a fresh random order each sweep (one step = one sweep).
    case asynchronous
  }

  /// The outcome of ``recall(_:rule:maxSteps:using:)``.
  public struct Recall: Equatable, Sendable {
    /// The final state.
    public var state: [Float]
    /// Steps (synchronous updates or asynchronous sweeps) taken.
    public var steps: Int
    /// Whether the last step changed nothing (a fixed point was reached).
    public var converged: Bool
  }

  /// An empty network of `size` units (all weights zero).
  public init(size: Int) {
    precondition(size > 0, "HopfieldNetwork: size must be positive")
    self.size = size
    weights = [Float](repeating: 0, count: size * size)
  }

  /// A network storing `patterns` (each `N` values of ±1).
  public convenience init(patterns: [[Float]]) {
    precondition(!patterns.isEmpty, "HopfieldNetwork: no patterns")
    self.init(size: patterns[0].count)
    store(patterns)
  }

  /// Adds `patterns` by the Hebbian rule `W += (1/N) p pᵀ`, keeping the diagonal zero.
  public func store(_ patterns: [[Float]]) {
    let n = size
    let scale = 1 / Float(n)
    weights.withUnsafeMutableBufferPointer { w in
      for p in patterns {
        precondition(p.count == n, "HopfieldNetwork: a pattern has \(p.count) values, expected \(n)")
        precondition(p.allSatisfy { $0 == 1 || $0 == -1 }, "HopfieldNetwork: patterns must be bipolar (±1)")
        p.withUnsafeBufferPointer { p in
          for i in 0..<n {
            let a = scale * p[i]
            for j in 0..<n { w[i * n + j] += a * p[j] }
          }
        }
      }
      for i in 0..<n { w[i * n + i] = 0 }
    }
    patternCount += patterns.count
  }

  /// The local field of unit `i`, `h_i = Σ_j W_ij s_j`.
  public func field(_ i: Int, of state: [Float]) -> Float {
    weights.withUnsafeBufferPointer { w in
      state.withUnsafeBufferPointer { s in
        var h: Float = 0
        for j in 0..<size { h += w[i * size + j] * s[j] }
        return h
      }
    }
  }

  /// The energy `E(s) = −½ Σ_ij W_ij s_i s_j`, summed in Double.
  public func energy(_ state: [Float]) -> Double {
    precondition(state.count == size, "HopfieldNetwork: state has \(state.count) values, expected \(size)")
    var e = 0.0
    for i in 0..<size { e -= 0.5 * Double(state[i]) * Double(field(i, of: state)) }
    return e
  }

  /// Sets unit `i` to the sign of its field (unchanged at field 0); returns whether it flipped.
  @discardableResult
  public func update(unit i: Int, of state: inout [Float]) -> Bool {
    let h = field(i, of: state)
    let new: Float = h > 0 ? 1 : h < 0 ? -1 : state[i]
    defer { state[i] = new }
    return new != state[i]
  }

  /// One synchronous step, `s' = sgn(W s)` (units at field 0 keep their value).
  public func synchronousStep(_ state: [Float]) -> [Float] {
    precondition(state.count == size, "HopfieldNetwork: state has \(state.count) values, expected \(size)")
    var h = [Float](repeating: 0, count: size)
    BLAS.gemm(m: size, n: 1, k: size, weights, state, into: &h)
    return (0..<size).map { h[$0] > 0 ? 1 : h[$0] < 0 ? -1 : state[$0] }
  }

  /// Runs the update `rule` from `probe` until no unit changes or `maxSteps` steps.
  ///
  /// - Parameters:
  ///   - probe: the starting state (±1 values), e.g. a noisy pattern.
  ///   - rule: synchronous or asynchronous updates.
  ///   - maxSteps: the most steps (updates of all units, or sweeps) to take.
  ///   - rng: orders the asynchronous sweeps (unused when synchronous).
  public func recall(
    _ probe: [Float], rule: UpdateRule = .asynchronous, maxSteps: Int = 100, using rng: inout SeededGenerator
  ) -> Recall {
    precondition(probe.count == size, "HopfieldNetwork: probe has \(probe.count) values, expected \(size)")
    var state = probe
    var order = Array(0..<size)
    for step in 1...max(maxSteps, 1) {
      var changed = false
      switch rule {
      case .synchronous:
        let next = synchronousStep(state)
        changed = next != state
        state = next
      case .asynchronous:
        order.shuffle(using: &rng)
        for i in order where update(unit: i, of: &state) { changed = true }
      }
      if !changed { return Recall(state: state, steps: step, converged: true) }
    }
    return Recall(state: state, steps: maxSteps, converged: false)
  }
}
