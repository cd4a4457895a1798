// LossKind: every prediction-versus-target loss by the name a command line uses.

/// The losses that conform to ``Loss``, named as on a command line
/// (`--loss softmax-cross-entropy`), each with a factory.
/// ``TripletMarginLoss`` takes three inputs and is built directly.
public enum LossKind: String, CaseIterable, Codable, Sendable {
  /// ``MeanSquaredError``.
  case meanSquaredError = "mse"
  /// ``MeanAbsoluteError``.
  case meanAbsoluteError = "mae"
  /// ``Huber`` with δ = 1.
  case huber
  /// ``LogCosh``.
  case logCosh = "log-cosh"
  /// ``BinaryCrossEntropyWithLogits``.
  case binaryCrossEntropy = "binary-cross-entropy"
  /// ``SoftmaxCrossEntropy`` (on logits).
  case softmaxCrossEntropy = "softmax-cross-entropy"

  /// A loss of this kind with default settings.
  public func makeLoss() -> Loss {
    switch self {
    case .meanSquaredError: return MeanSquaredError()
    case .meanAbsoluteError: return MeanAbsoluteError()
    case .huber: return Huber()
    case .logCosh: return LogCosh()
    case .binaryCrossEntropy: return BinaryCrossEntropyWithLogits()
    case .softmaxCrossEntropy: return SoftmaxCrossEntropy()
    }
  }
}
