// DataParallelism: how ranks that each hold the whole model share the work.

/// How a ``Trainer`` with a ``Collective`` of several ranks trains.
public enum DataParallelism: Equatable, Sendable, CustomStringConvertible {
  /// Every step is one global batch of `batchSize` samples split across the
  /// ranks; their gradients are summed before one shared optimizer step, so
  /// the run is the single-process run up to rounding.
  case synchronous
  /// WASAP-style local SGD (Curci, Mocanu & Pechenizkiy 2021): each rank
  /// steps on its own batches with its own optimizer state, and the ranks
  /// average their parameters every `averagingPeriod` rounds of steps (and
  /// before each evaluation and rewire, so the topology stays shared).
  case localSteps(averagingPeriod: Int)

  public var description: String {
    switch self {
    case .synchronous: return "synchronous"
    case .localSteps(let k): return "local-steps (average every \(k))"
    }
  }
}
