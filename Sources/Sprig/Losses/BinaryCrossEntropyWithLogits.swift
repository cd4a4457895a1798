// BinaryCrossEntropyWithLogits: sigmoid and binary cross-entropy in one stable step.
import Foundation

/// Binary cross-entropy computed from logits `z` (PyTorch's
/// `BCEWithLogitsLoss`), averaged over all `N` elements; targets `t ∈ [0, 1]`:
///
///     ℓ = −[t·log σ(z) + (1 − t)·log(1 − σ(z))] = max(z, 0) − z·t + log(1 + e^(−|z|))
///     ∂ℓ/∂z = σ(z) − t
///
/// `L = (1/N) Σ ℓ`, `∂L/∂z = (σ(z) − t)/N`. The right-hand form never takes
/// the log of a rounded-to-zero probability, so logits of ±100 give finite
/// losses and gradients.
public struct BinaryCrossEntropyWithLogits: Loss, Sendable {
  public var name: String { LossKind.binaryCrossEntropy.rawValue }

  /// Binary cross-entropy from logits.
  public init() {}

  public func callAsFunction(_ predictions: Matrix, _ targets: Matrix, gradient: Matrix) -> Float {
    meanOverElements(predictions, targets, gradient: gradient, name: name) { z, t in
      (max(z, 0) - z * t + log1p(exp(-abs(z))), logistic(z) - t)
    }
  }
}
