// ScheduledEvolution: a strategy run on an EvolutionSchedule — the
// training loop says what time it is, the schedule says whether to rewire
// and with which ζ.

/// Runs `base` on a ``EvolutionSchedule``.
///
/// The training loop sets ``time`` (completed epochs or steps, in the
/// schedule's unit) and asks ``isDue`` before rewiring its layers;
/// ``rewire(_:using:)`` rewires with `ζ = schedule.zeta(at: time)` when due
/// and does nothing otherwise, so a loop that calls it every epoch is
/// still safe.
public final class ScheduledEvolution: EvolutionStrategy {
  /// The strategy whose ζ the schedule sets.
  public private(set) var base: any ZetaEvolutionStrategy
  /// When and how much.
  public let schedule: EvolutionSchedule
  /// Completed units so far (the training loop advances it).
  public var time: Int = 0

  public init(_ base: any ZetaEvolutionStrategy, schedule: EvolutionSchedule) {
    self.base = base
    self.schedule = schedule
  }

  public var name: String {
    schedule.decay == .constant ? base.name : "\(base.name)+\(schedule.decay.rawValue)"
  }

  /// Whether the schedule rewires at ``time``.
  public var isDue: Bool { schedule.isDue(at: time) }

  /// ζ at ``time``.
  public var currentZeta: Double { schedule.zeta(at: time) }

  public func rewire(_ layer: SparseLinear, using rng: inout SeededGenerator) -> RewireReport {
    guard isDue else { return RewireReport(removed: 0, added: 0, connections: layer.connectionCount) }
    base.zeta = currentZeta
    return base.rewire(layer, using: &rng)
  }
}
