// EpochMetrics: what one epoch of training measured (a line of metrics.jsonl).

/// One epoch's measurements, written as one JSON line of `metrics.jsonl`.
public struct EpochMetrics: Codable, Equatable, Sendable {
  public var epoch: Int
  public var trainLoss: Double
  public var trainAccuracy: Double
  public var testLoss: Double
  public var testAccuracy: Double
  /// Wall time of the epoch, rewire included.
  public var epochSeconds: Double
  /// Time spent rewiring after the epoch.
  public var rewireSeconds: Double
  public var samplesPerSecond: Double
  /// Connections of each sparse layer after the epoch.
  public var connections: [Int]
  public var learningRate: Double
  /// What this kind of model measures besides loss and accuracy, by name
  /// (`elbo`, `ais_log_likelihood`, `recall_at_1`, `frechet_distance`, …).
  public var scores: [String: Double]?

  enum CodingKeys: String, CodingKey {
    case epoch
    case trainLoss = "train_loss"
    case trainAccuracy = "train_accuracy"
    case testLoss = "test_loss"
    case testAccuracy = "test_accuracy"
    case epochSeconds = "epoch_seconds"
    case rewireSeconds = "rewire_seconds"
    case samplesPerSecond = "samples_per_second"
    case connections
    case learningRate = "learning_rate"
    case scores
  }
}
