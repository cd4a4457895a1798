// RegrowthDistribution: where SET may regrow connections and how likely
// each place is — uniform anywhere (SET), inside local windows, or biased
// towards each unit's home — and SET's rewire step over such a distribution.
import Foundation

/// A probability distribution over a layer's `rows × columns` positions
/// that new connections are drawn from (without replacement, never on a
/// surviving connection).
///
/// Its support may be a subset of the positions (e.g. each unit's local
/// window). Implementations draw in O(1) or O(log) time; the exhaustive
/// ``forEachPosition(_:)`` is only used when the free part of the support
/// is small enough that rejection would stall, and so may cost
/// O(support).
public protocol RegrowthDistribution {
  /// Output units (pattern rows).
  var rows: Int { get }
  /// Input units (pattern columns).
  var columns: Int { get }
  /// The number of positions with a positive probability.
  var positionCount: Int { get }
  /// One position drawn from the distribution.
  func sample(using rng: inout SeededGenerator) -> (row: Int, column: Int)
  /// Whether `(row, column)` has a positive probability.
  func contains(row: Int, column: Int) -> Bool
  /// The relative probability of a position of the support (any positive scale).
  func weight(row: Int, column: Int) -> Double
  /// Calls `body` for every position of the support.
  func forEachPosition(_ body: (_ row: Int, _ column: Int) -> Void)
}

extension SETEvolution {
  /// SET's rewire step with regrowth drawn from `distribution` instead of
  /// uniformly over all positions: removes as ``removalMask(_:)`` says, then
  /// grows as many connections, distinct and off the survivors, from the
  /// distribution (a just-removed position may be drawn again, as in SET).
  ///
  /// When the support has fewer free positions than removed connections
  /// (survivors outside the support use none of it), only that many are
  /// grown and the report says so; for a pattern inside the support this
  /// cannot happen, since the removed positions themselves are free.
  public func rewire(
    _ layer: SparseLinear, regrowingFrom distribution: some RegrowthDistribution, using rng: inout SeededGenerator
  ) -> RewireReport {
    let old = layer.pattern
    precondition(distribution.rows == old.rows && distribution.columns == old.columns,
      "SET: a \(distribution.rows)×\(distribution.columns) regrowth distribution for a \(old.rows)×\(old.columns) layer")
    let remove = removalMask(layer.weight.value)
    let removed = remove.reduce(0) { $0 + ($1 ? 1 : 0) }
    var survivorsInSupport = 0
    for r in 0..<old.rows {
      for k in Int(old.rowPointers[r])..<Int(old.rowPointers[r + 1])
      where !remove[k] && distribution.contains(row: r, column: Int(old.columnIndices[k])) {
        survivorsInSupport += 1
      }
    }
    let free = distribution.positionCount - survivorsInSupport
    let toAdd = min(removed, free)
    let columns = old.columns
    let keys = Regrowth.draw(toAdd, from: distribution, free: free, using: &rng) { key in
      guard let k = old.position(row: key / columns, column: key % columns) else { return false }
      return !remove[k]
    }
    let total = old.nonzeroCount - removed + toAdd
    let fanOut = Double(total) / Double(max(columns, 1))
    let connections = Rewiring.apply(to: layer, removing: remove, adding: keys) { _, degree in
      regrowthScale * initialization.sample(fanIn: degree, fanOut: fanOut, using: &rng)
    }
    return RewireReport(removed: removed, added: toAdd, connections: connections)
  }
}

/// Drawing distinct free positions from a ``RegrowthDistribution``.
enum Regrowth {
  /// `count` distinct positions from `distribution`, none `isHeld`, as
  /// sorted row-major keys (`row · columns + column`). `free` is the number
  /// of support positions not held.
  ///
  /// Draws in bulk and rejects held and repeated positions (SET's way, cheap
  /// while the support is mostly free). When `count` is at least half of
  /// `free`, or rejection stalls because the held positions carry most of
  /// the probability, it finishes exactly: every free position gets an
  /// Efraimidis–Spirakis key `log(u)/w` and the largest keys win, which is
  /// weighted sampling without replacement.
  static func draw(
    _ count: Int, from distribution: some RegrowthDistribution, free: Int, using rng: inout SeededGenerator,
    isHeld: (Int) -> Bool
  ) -> [Int] {
    guard count > 0 else { return [] }
    let columns = distribution.columns
    var keys: [Int] = []
    keys.reserveCapacity(count)
    var tries = 0
    let budget = 40 * count + 1000
    if Double(count) < 0.5 * Double(free) {
      while keys.count < count && tries < budget {
        let wanted = count - keys.count
        for _ in 0..<wanted {
          let (r, c) = distribution.sample(using: &rng)
          let key = r * columns + c
          if !isHeld(key) { keys.append(key) }
        }
        tries += wanted
        Rewiring.sortUnique(&keys)
      }
    }
    if keys.count < count {
      let taken = Set(keys)
      var candidates: [(key: Double, position: Int)] = []
      candidates.reserveCapacity(free)
      distribution.forEachPosition { r, c in
        let key = r * columns + c
        guard !isHeld(key), !taken.contains(key) else { return }
        let u = Double(rng.next() >> 11) * 0x1.0p-53 + 0x1.0p-54  // (0, 1)
        candidates.append((Foundation.log(u) / distribution.weight(row: r, column: c), key))
      }
      let missing = count - keys.count
      precondition(candidates.count >= missing, "Regrowth: the distribution has \(candidates.count) free positions, \(missing) needed")
      candidates.sort { $0.key > $1.key }
      keys += candidates.prefix(missing).map(\.position)
      keys.sort()
    }
    return keys
  }
}
