// ClassifierExampleResult: what an example classifier training reports.
import Sprig

/// The outcome of one of the runnable example trainings (CNN, LSTM, GRU).
public struct ClassifierExampleResult: Sendable {
  /// What was trained, e.g. "CNN (dense head) on fashion-mnist".
  public var title: String
  /// The model's layers, first to last.
  public var layerNames: [String]
  /// All trainable values.
  public var parameterCount: Int
  /// Weights of the fully connected head (every layer after the last
  /// convolution or recurrence), stored connections only for sparse layers.
  public var headWeights: Int
  /// One entry per epoch, as ``Trainer`` measured it.
  public var history: [EpochMetrics]

  /// The last epoch's test accuracy, in [0, 1].
  public var finalTestAccuracy: Double { history.last?.testAccuracy ?? 0 }
  /// The median wall time of an epoch (training, evaluation and rewiring).
  public var medianEpochSeconds: Double {
    let s = history.map(\.epochSeconds).sorted()
    return s.isEmpty ? 0 : s[s.count / 2]
  }
}

/// Weights of the layers after the last layer that is not fully connected or elementwise: the classifier head.
func headWeightCount(_ model: Sequential) -> Int {
  let start = (model.layers.lastIndex { $0 is Conv2D || $0 is Recurrent || $0 is Flatten } ?? -1) + 1
  return model.layers[start...].reduce(0) { n, layer in
    if let s = layer as? SparseLinear { return n + s.connectionCount }
    if let d = layer as? Linear { return n + d.weight.count }
    return n
  }
}
