// TrainingObjective: what a model is trained to do — classify, or reconstruct its input.

/// What ``Trainer`` optimises, read from a description's `loss`.
public enum TrainingObjective: Equatable, Sendable {
  /// Softmax cross-entropy against the labels; accuracy is measured.
  case classification
  /// The loss between the output and the input itself (autoencoders);
  /// labels are ignored and accuracy is not measured (reported as 0).
  case reconstruction(LossKind)

  /// The objective of `description`'s loss: `softmax-cross-entropy`
  /// classifies, any other ``LossKind`` reconstructs the input.
  /// - Throws: ``ModelDescriptionError`` for a loss Sprig does not know.
  public init(description: ModelDescription) throws {
    guard let kind = LossKind(rawValue: description.loss) else {
      throw ModelDescriptionError(
        source: description.name ?? "model description", path: "loss",
        message: "\"\(description.loss)\" is not a loss; use one of \(LossKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    self = kind == .softmaxCrossEntropy ? .classification : .reconstruction(kind)
  }
}
