// Adam: adaptive moments (Kingma & Ba 2015), optionally with decoupled decay.

import Foundation

/// Adam: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `w ← w − η·m̂/(√v̂ + ε)` with bias-corrected `m̂`, `v̂`.
///
/// Weight decay is L2 (added to `g`, as PyTorch's `Adam`) or, with
/// `decoupled`, applied to the weights directly (as `AdamW`). The bias
/// correction uses the optimizer's step count; a regrown connection starts
/// with zero moments, so its first updates are small, which suits SET.
public final class Adam: Optimizer {
  public var learningRate: Float
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  public let weightDecay: Float
  public let decoupled: Bool
  /// Steps taken so far.
  public var stepCount = 0

  public init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0, decoupled: Bool = false
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupled = decoupled
  }

  public func step(_ parameters: [Parameter]) {
    stepCount += 1
    let t = Float(stepCount)
    let (b1, b2, eps) = (beta1, beta2, epsilon)
    let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
    for p in parameters {
      precondition(p.momentumFold == nil, "\(p.name): its gradient is folded into SGD's momentum; call SGD.unfoldMomentum first")
      let lr = learningRate * p.learningRateScale
      if p.optimizerState.count != 2 { p.optimizerState = [[Float]](repeating: [Float](repeating: 0, count: p.count), count: 2) }
      let wd = p.decays ? weightDecay : 0
      let l2 = decoupled ? 0 : wd, decay = decoupled ? lr * wd : 0
      // Move the moments out while updating: two simultaneous mutable
      // accesses to `optimizerState` would be an exclusivity violation.
      var m: [Float] = [], v: [Float] = []
      swap(&m, &p.optimizerState[0])
      swap(&v, &p.optimizerState[1])
      p.value.withUnsafeMutableBufferPointer { w in
        p.gradient.withUnsafeBufferPointer { g in
          m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
              for i in 0..<w.count {
                let gi = g[i] + l2 * w[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                w[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps) + decay * w[i]
              }
            }
          }
        }
      }
      swap(&m, &p.optimizerState[0])
      swap(&v, &p.optimizerState[1])
    }
  }
}

