// TrainingObjective: what a model is trained to do — classify, reconstruct
// its input, maximise an ELBO, model its data (RBM), generate it (GAN), or
// embed it (triplets).

/// What ``Trainer`` optimises, read from a description's `loss`.
public enum TrainingObjective: Equatable, Sendable {
  /// Softmax cross-entropy against the labels; accuracy is measured.
  case classification
  /// The loss between the output and the input itself (autoencoders);
  /// labels are ignored and accuracy is not measured (reported as 0).
  case reconstruction(LossKind)
  /// A VAE (`elbo`): the negative evidence lower bound per sample, the
  /// Bernoulli reconstruction term (binary cross-entropy on the output
  /// logits, summed over the features) plus the KL term a
  /// ``GaussianSample`` layer adds.
  case evidenceLowerBound
  /// An RBM (`cd-K`, `pcd-K`): K Gibbs steps of contrastive divergence,
  /// from the data or from persistent chains.
  case contrastiveDivergence(steps: Int, persistent: Bool)
  /// A GAN (`gan`): the first `generatorLayers` layers map noise to
  /// samples, the rest score samples as real; alternating steps with the
  /// non-saturating generator loss.
  case adversarial(generatorLayers: Int)
  /// An embedding (`triplet-margin`): the triplet margin loss over
  /// semi-hard triplets mined in each batch.
  case triplet(margin: Float)

  /// The loss names besides the ``LossKind`` ones.
  public static let modelLosses = ["elbo", "cd-K", "pcd-K", "gan", "triplet-margin"]

  /// The objective of `description`'s loss.
  /// - Throws: ``ModelDescriptionError`` for a loss Sprig does not know or
  ///   one that misses its settings.
  public init(description: ModelDescription) throws {
    let source = description.name ?? "model description"
    let loss = description.loss
    func fail(_ message: String) -> ModelDescriptionError {
      ModelDescriptionError(source: source, path: "loss", message: message)
    }
    switch loss {
    case "elbo":
      self = .evidenceLowerBound
    case "gan":
      guard let k = description.generatorLayers, k > 0, k < description.layers.count else {
        throw ModelDescriptionError(
          source: source, path: "generator_layers",
          message: "a GAN needs generator_layers, the number of layers from the first that make the generator (1…\(max(1, description.layers.count - 1)))")
      }
      self = .adversarial(generatorLayers: k)
    case "triplet-margin":
      let margin = description.margin ?? 0.2
      guard margin > 0 else { throw ModelDescriptionError(source: source, path: "margin", message: "must be positive, got \(margin)") }
      self = .triplet(margin: margin)
    case _ where loss.hasPrefix("cd-") || loss.hasPrefix("pcd-"):
      let persistent = loss.hasPrefix("pcd-")
      guard let steps = Int(loss.dropFirst(persistent ? 4 : 3)), steps > 0 else {
        throw fail("\"\(loss)\": contrastive divergence is cd-K or pcd-K with K ≥ 1 Gibbs steps (cd-1, pcd-10)")
      }
      self = .contrastiveDivergence(steps: steps, persistent: persistent)
    default:
      guard let kind = LossKind(rawValue: loss) else {
        throw fail(
          "\"\(loss)\" is not a loss; use one of \((LossKind.allCases.map(\.rawValue) + Self.modelLosses).joined(separator: ", "))")
      }
      self = kind == .softmaxCrossEntropy ? .classification : .reconstruction(kind)
    }
  }

  /// Whether the accuracy columns mean anything (classification; for a
  /// triplet embedding the test accuracy is recall@1).
  public var measuresAccuracy: Bool {
    switch self {
    case .classification, .triplet: return true
    default: return false
    }
  }
}
