// EvolutionStrategy: what changes a sparse layer's topology between epochs.

/// Changes which connections a sparse layer has, keeping their number.
public protocol EvolutionStrategy {
  /// A short name for logs and checkpoints ("set", "none", …).
  var name: String { get }
  /// Rewires `layer` in place and says what changed.
  func rewire(_ layer: SparseLinear, using rng: inout SeededGenerator) -> RewireReport
}

/// What one rewire step did to one layer.
public struct RewireReport: Codable, Equatable, Sendable {
  /// Connections removed.
  public var removed: Int
  /// Connections added (always equal to `removed` for SET).
  public var added: Int
  /// Connections after the step.
  public var connections: Int
}

/// The strategy that never changes the topology (a fixed sparse network).
public struct NoEvolution: EvolutionStrategy {
  public init() {}
  public var name: String { "none" }
  public func rewire(_ layer: SparseLinear, using rng: inout SeededGenerator) -> RewireReport {
    RewireReport(removed: 0, added: 0, connections: layer.connectionCount)
  }
}
