// SoftmaxCrossEntropy: softmax and cross-entropy fused on the logits.
import Foundation

/// Cross-entropy of the softmax of logits `z` (`classes × batch`) against
/// target distributions `t` (one-hot or probabilities, same shape), averaged
/// over the `B` samples (columns), as PyTorch's `CrossEntropyLoss`:
///
///     ℓⱼ = Σᵢ tᵢⱼ·(LSEⱼ − zᵢⱼ),   LSEⱼ = mⱼ + log Σᵢ e^(zᵢⱼ − mⱼ),  mⱼ = maxᵢ zᵢⱼ
///     L = (1/B) Σⱼ ℓⱼ,           ∂L/∂zᵢⱼ = (softmax(z)ᵢⱼ·Σₖ tₖⱼ − tᵢⱼ) / B
///
/// For targets that sum to 1 per column the gradient is the familiar
/// `(softmax − t)/B`. Fusing the two lets the log-sum-exp shift by the
/// column maximum, so huge logits stay finite and a confident wrong answer
/// costs its true (large) loss instead of `log 0`. Feed it the last linear
/// layer's output, not a ``Softmax`` layer's.
public struct SoftmaxCrossEntropy: Loss, Sendable {
  public var name: String { LossKind.softmaxCrossEntropy.rawValue }

  /// Softmax cross-entropy on logits.
  public init() {}

  public func callAsFunction(_ logits: Matrix, _ targets: Matrix, gradient: Matrix) -> Float {
    checkLossArguments(logits, targets, gradient: gradient, name: name)
    let (classes, batch) = (logits.rows, logits.columns)
    gradient.reshape(rows: classes, columns: batch)
    let scale = 1 / Float(batch)
    var total = 0.0
    // Column by column (a sample's classes are `batch` apart): classes are few.
    logits.elements.withUnsafeBufferPointer { zs in
      targets.elements.withUnsafeBufferPointer { ts in
        gradient.elements.withUnsafeMutableBufferPointer { gs in
          for j in 0..<batch {
            var m = -Float.infinity
            for i in 0..<classes { m = max(m, zs[i * batch + j]) }
            var sum: Float = 0
            for i in 0..<classes {
              let e = exp(zs[i * batch + j] - m)
              gs[i * batch + j] = e
              sum += e
            }
            let logSumExp = m + log(sum)
            var targetMass: Float = 0
            for i in 0..<classes {
              let t = ts[i * batch + j]
              targetMass += t
              // Classes with t = 0 add nothing, even when their logit is −∞.
              if t != 0 { total += Double(t * (logSumExp - zs[i * batch + j])) }
            }
            for i in 0..<classes {
              let k = i * batch + j
              gs[k] = (gs[k] / sum * targetMass - ts[k]) * scale
            }
          }
        }
      }
    }
    return Float(total / Double(batch))
  }

  /// The number of samples (columns) whose largest logit is at the same
  /// class as their largest target value: correct predictions, for accuracy.
  public func correctPredictions(_ logits: Matrix, _ targets: Matrix) -> Int {
    precondition(
      logits.rows == targets.rows && logits.columns == targets.columns,
      "\(name): logits are \(logits.rows)×\(logits.columns), targets \(targets.rows)×\(targets.columns)")
    // One pass over both matrices, no temporary arrays: this runs every batch.
    let (rows, batch) = (logits.rows, logits.columns)
    guard rows > 0 else { return 0 }
    var correct = 0
    logits.elements.withUnsafeBufferPointer { l in
      targets.elements.withUnsafeBufferPointer { t in
        for j in 0..<batch {
          var best = 0, bestValue = l[j], label = 0, labelValue = t[j]
          for i in 1..<rows {
            if l[i * batch + j] > bestValue { bestValue = l[i * batch + j]; best = i }
            if t[i * batch + j] > labelValue { labelValue = t[i * batch + j]; label = i }
          }
          if best == label { correct += 1 }
        }
      }
    }
    return correct
  }
}
