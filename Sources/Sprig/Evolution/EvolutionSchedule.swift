// EvolutionSchedule: when evolution runs and how much it rewires — every k
// epochs or steps, ζ constant or cosine-annealed, stopping after T.
import Foundation

/// When a topology is rewired and with which ζ.
///
/// Time `t` counts completed epochs or optimizer steps (``unit``), from 1.
/// Evolution is due when `t` is a multiple of ``period`` and, with an
/// ``end`` `T`, `t < T` (RigL stops updating the topology at `T`, leaving
/// the last part of training to fine-tune a fixed topology). The rewired
/// fraction at `t` is ``zeta`` (``Decay/constant``) or RigL's cosine
/// annealing `f(t) = ζ/2 · (1 + cos(π t / T))` (``Decay/cosine``), large
/// while the network explores and small as it settles.
public struct EvolutionSchedule: Codable, Equatable, Sendable {
  /// What `t` counts.
  public enum Unit: String, Codable, CaseIterable, Sendable {
    /// Completed epochs (SET's habit: rewire between epochs).
    case epochs
    /// Completed optimizer steps (RigL's habit: rewire every ΔT steps).
    case steps
  }

  /// How ζ changes with `t`.
  public enum Decay: String, Codable, CaseIterable, Sendable {
    /// The same ζ every time.
    case constant
    /// `ζ/2 · (1 + cos(π t / T))`, from ζ at `t = 0` to 0 at `T`.
    case cosine
  }

  /// ζ at `t = 0` (and always, when constant).
  public var zeta: Double
  /// How ζ changes.
  public var decay: Decay
  /// What `t` counts.
  public var unit: Unit
  /// Rewire every `period` units (≥ 1).
  public var period: Int
  /// `T`: no rewiring at `t ≥ T`; the cosine reaches 0 there. `nil` = never stop.
  public var end: Int?

  /// - Parameters:
  ///   - zeta: ζ in [0, 1].
  ///   - decay: constant (default) or cosine; cosine needs an `end`.
  ///   - unit: epochs (default) or steps.
  ///   - period: rewire every `period` units (default 1).
  ///   - end: `T`, after which the topology is fixed (default: never).
  /// - Throws: ``TopologyError/invalidParameter(_:)`` for ζ outside [0, 1],
  ///   a period below 1, a non-positive end, or cosine without an end.
  public init(zeta: Double, decay: Decay = .constant, unit: Unit = .epochs, period: Int = 1, end: Int? = nil) throws {
    guard (0...1).contains(zeta) else { throw TopologyError.invalidParameter("ζ = \(zeta) is not in [0, 1]") }
    guard period >= 1 else { throw TopologyError.invalidParameter("the evolution period must be at least 1, not \(period)") }
    if let end, end < 1 { throw TopologyError.invalidParameter("the evolution end T must be at least 1, not \(end)") }
    guard decay == .constant || end != nil else {
      throw TopologyError.invalidParameter("a cosine ζ schedule anneals to 0 at an end T: give one (e.g. 75 % of the training \(unit.rawValue))")
    }
    self.zeta = zeta
    self.decay = decay
    self.unit = unit
    self.period = period
    self.end = end
  }

  /// Whether evolution runs after `t` completed units.
  public func isDue(at t: Int) -> Bool {
    t >= 1 && t % period == 0 && (end.map { t < $0 } ?? true)
  }

  /// ζ for the rewire after `t` completed units.
  public func zeta(at t: Int) -> Double {
    switch decay {
    case .constant: return zeta
    case .cosine:
      let T = Double(end ?? 1)
      return zeta / 2 * (1 + cos(Double.pi * min(Double(t), T) / T))
    }
  }
}

/// An evolution strategy whose removal fraction can be set, so a schedule can anneal it.
public protocol ZetaEvolutionStrategy: EvolutionStrategy {
  /// The fraction rewired per step.
  var zeta: Double { get set }
}

extension SETEvolution: ZetaEvolutionStrategy {}
extension LocalSETEvolution: ZetaEvolutionStrategy {}
extension DistanceBiasedSETEvolution: ZetaEvolutionStrategy {}
extension RigLEvolution: ZetaEvolutionStrategy {}
