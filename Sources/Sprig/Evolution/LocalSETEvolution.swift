// LocalSETEvolution: SET whose regrowth stays inside each unit's local
// window, so a locally connected layer stays local while it evolves.

/// SET with regrowth restricted to each output unit's ``LocalWindows``
/// window: removal as ``SETEvolution``; new connections are drawn uniformly
/// among the free positions of all windows. Layers without windows are
/// rewired by plain SET (regrowth anywhere), so one strategy serves a
/// whole `local → SET → output` stack.
///
/// Windows are given per layer instance (the trainer rewires every sparse
/// layer with the same strategy). A fully connected local layer
/// (``LocalWindows/pattern()``) has no free window positions but the ones
/// just removed, so its regrowth redraws among those; build it sparser
/// (``LocalWindows/pattern(density:using:)``) to let it move.
public struct LocalSETEvolution: EvolutionStrategy {
  /// Removal fraction and new-weight settings, shared with plain SET.
  public var set: SETEvolution
  /// The layers that stay local, each with its windows.
  public private(set) var windows: [(layer: SparseLinear, windows: LocalWindows)]

  /// - Parameters:
  ///   - zeta: the fraction of each sign's weights removed per step.
  ///   - regrowthScale: scale of new weights relative to the initialization.
  ///   - initialization: the distribution new weights are drawn from.
  ///   - windows: the local layers and their windows.
  public init(
    zeta: Double = 0.3, regrowthScale: Float = 0.1, initialization: WeightInitialization = .heUniform,
    windows: [(layer: SparseLinear, windows: LocalWindows)]
  ) {
    for (layer, w) in windows {
      precondition(layer.outputSize == w.outputSize && layer.inputSize == w.inputSize,
        "LocalSETEvolution: \(layer.name) does not match windows \(w.input) → \(w.output)")
    }
    set = SETEvolution(zeta: zeta, regrowthScale: regrowthScale, initialization: initialization)
    self.windows = windows
  }

  public var name: String { "set-local" }

  /// ζ, the fraction of each sign's weights removed per step.
  public var zeta: Double {
    get { set.zeta }
    set { set.zeta = newValue }
  }

  /// The windows of `layer`, if it is one of the local layers.
  public func windows(of layer: SparseLinear) -> LocalWindows? {
    windows.first { $0.layer === layer }?.windows
  }

  public func rewire(_ layer: SparseLinear, using rng: inout SeededGenerator) -> RewireReport {
    guard let w = windows(of: layer) else { return set.rewire(layer, using: &rng) }
    return set.rewire(layer, regrowingFrom: LocalWindowRegrowth(w), using: &rng)
  }
}

/// The uniform distribution over all window positions of a ``LocalWindows``:
/// a unit is chosen in proportion to its window size (border windows are
/// smaller), then a position of its window uniformly.
public struct LocalWindowRegrowth: RegrowthDistribution {
  /// The windows.
  public let windows: LocalWindows
  /// `cumulative[i]` = positions in the windows of units `0..<i`.
  private let cumulative: [Int]

  public init(_ windows: LocalWindows) {
    self.windows = windows
    var c = [Int](repeating: 0, count: windows.outputSize + 1)
    for row in 0..<windows.outputSize { c[row + 1] = c[row] + windows.windowSize(ofOutput: row) }
    cumulative = c
  }

  public var rows: Int { windows.outputSize }
  public var columns: Int { windows.inputSize }
  public var positionCount: Int { cumulative[cumulative.count - 1] }

  public func sample(using rng: inout SeededGenerator) -> (row: Int, column: Int) {
    let u = rng.nextInt(below: positionCount)
    // The last row whose start is ≤ u.
    var lo = 0, hi = rows - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if cumulative[mid] <= u { lo = mid } else { hi = mid - 1 }
    }
    return (lo, windows.column(u - cumulative[lo], ofOutput: lo))
  }

  public func contains(row: Int, column: Int) -> Bool { windows.contains(row: row, column: column) }
  public func weight(row: Int, column: Int) -> Double { 1 }

  public func forEachPosition(_ body: (_ row: Int, _ column: Int) -> Void) {
    for row in 0..<rows {
      for index in 0..<windows.windowSize(ofOutput: row) { body(row, windows.column(index, ofOutput: row)) }
    }
  }
}
