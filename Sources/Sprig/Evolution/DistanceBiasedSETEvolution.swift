// DistanceBiasedSETEvolution: SET whose regrowth prefers inputs near each
// unit's home position, so an evolving layer stays mostly local without
// hard windows (cf. the distance-dependent wiring of cortical models).
import Foundation

/// SET with regrowth biased towards each output unit's home: removal as
/// ``SETEvolution``; a new connection goes to a uniformly chosen unit `i`
/// and an input at ring distance `d` from its home
/// ``SmallWorldTopology/homePosition(ofOutput:inputSize:outputSize:)`` with
/// probability ∝ `exp(−d/λ)`, where `λ = lengthScale · n_in`.
///
/// Inputs are on a ring, as in ``SmallWorldTopology``, so the two
/// combine: a small-world layer evolved this way keeps its band structure.
/// Distances beyond `14λ` (probability below 10⁻⁶) are left out of the
/// support, which keeps the exact fallback of nearly full layers small.
public struct DistanceBiasedSETEvolution: EvolutionStrategy {
  /// Removal fraction and new-weight settings, shared with plain SET.
  public var set: SETEvolution
  /// λ as a fraction of the layer's input count (so one value serves
  /// layers of every width).
  public var lengthScale: Double

  /// - Parameters:
  ///   - zeta: the fraction of each sign's weights removed per step.
  ///   - lengthScale: decay length λ relative to `n_in` (default 0.05: a
  ///     784-input layer regrows mostly within ±40 inputs of home).
  ///   - regrowthScale: scale of new weights relative to the initialization.
  ///   - initialization: the distribution new weights are drawn from.
  public init(
    zeta: Double = 0.3, lengthScale: Double = 0.05, regrowthScale: Float = 0.1,
    initialization: WeightInitialization = .heUniform
  ) {
    precondition(lengthScale > 0, "DistanceBiasedSETEvolution: lengthScale must be positive")
    set = SETEvolution(zeta: zeta, regrowthScale: regrowthScale, initialization: initialization)
    self.lengthScale = lengthScale
  }

  public var name: String { "set-distance" }

  /// ζ, the fraction of each sign's weights removed per step.
  public var zeta: Double {
    get { set.zeta }
    set { set.zeta = newValue }
  }

  public func rewire(_ layer: SparseLinear, using rng: inout SeededGenerator) -> RewireReport {
    let d = DistanceBiasedRegrowth(
      inputSize: layer.inputSize, outputSize: layer.outputSize, lengthScale: lengthScale * Double(layer.inputSize))
    return set.rewire(layer, regrowingFrom: d, using: &rng)
  }
}

/// Positions `(i, j)` with probability ∝ `exp(−d(i, j)/λ)`, `d` the ring
/// distance between input `j` and unit `i`'s home, for `d ≤ cutoff`.
public struct DistanceBiasedRegrowth: RegrowthDistribution {
  public let rows: Int
  public let columns: Int
  /// λ, in inputs.
  public let lengthScale: Double
  /// The largest distance in the support: `min(⌈14λ⌉, ⌊(n_in − 1)/2⌋)`, so
  /// the offsets `−cutoff...cutoff` reach distinct inputs.
  public let cutoff: Int
  /// Cumulative weights of the offsets `−cutoff...cutoff`.
  private let cumulative: [Double]

  /// - Parameters:
  ///   - inputSize: `n_in`, the ring.
  ///   - outputSize: `n_out`.
  ///   - lengthScale: λ in inputs, positive.
  public init(inputSize: Int, outputSize: Int, lengthScale: Double) {
    precondition(inputSize > 0 && outputSize > 0 && lengthScale > 0)
    rows = outputSize
    columns = inputSize
    self.lengthScale = lengthScale
    cutoff = min(Int((14 * lengthScale).rounded(.up)), (inputSize - 1) / 2)
    var c = [Double](repeating: 0, count: 2 * cutoff + 2)
    for t in 0...(2 * cutoff) { c[t + 1] = c[t] + Foundation.exp(-Double(abs(t - cutoff)) / lengthScale) }
    cumulative = c
  }

  public var positionCount: Int { rows * (2 * cutoff + 1) }

  func home(_ row: Int) -> Int { SmallWorldTopology.homePosition(ofOutput: row, inputSize: columns, outputSize: rows) }

  /// The signed ring offset of `column` from `row`'s home, in `−n_in/2 ... n_in/2`.
  func offset(row: Int, column: Int) -> Int {
    var d = (column - home(row)) % columns
    if d < 0 { d += columns }
    return d > columns / 2 ? d - columns : d
  }

  public func sample(using rng: inout SeededGenerator) -> (row: Int, column: Int) {
    let row = rng.nextInt(below: rows)
    let u = Double(rng.next() >> 11) * 0x1.0p-53 * cumulative[cumulative.count - 1]
    // The offset slot t with cumulative[t] ≤ u < cumulative[t + 1].
    var lo = 0, hi = 2 * cutoff
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if cumulative[mid] <= u { lo = mid } else { hi = mid - 1 }
    }
    var column = (home(row) + lo - cutoff) % columns
    if column < 0 { column += columns }
    return (row, column)
  }

  public func contains(row: Int, column: Int) -> Bool { abs(offset(row: row, column: column)) <= cutoff }

  public func weight(row: Int, column: Int) -> Double {
    Foundation.exp(-Double(abs(offset(row: row, column: column))) / lengthScale)
  }

  public func forEachPosition(_ body: (_ row: Int, _ column: Int) -> Void) {
    for row in 0..<rows {
      let h = home(row)
      for t in -cutoff...cutoff {
        var column = (h + t) % columns
        if column < 0 { column += columns }
        body(row, column)
      }
    }
  }
}
