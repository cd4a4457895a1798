// SGD: stochastic gradient descent with momentum, Nesterov and weight decay.

/// Stochastic gradient descent as PyTorch defines it:
/// `g ← ∇ + λ·w` (weight decay on parameters that decay),
/// `v ← μ·v + g`, then `w ← w − η·v`, or `w ← w − η·(g + μ·v)` with Nesterov.
public final class SGD: Optimizer {
  public var learningRate: Float
  /// Momentum `μ` (0 disables the velocity state).
  public let momentum: Float
  /// L2 weight decay `λ`, applied to parameters whose `decays` is true.
  public let weightDecay: Float
  /// Nesterov's look-ahead momentum.
  public let nesterov: Bool
  public var stepCount = 0

  public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.nesterov = nesterov
  }

  /// The fold this optimizer's update takes for `p`, where the update can
  /// be folded (momentum without Nesterov, on a parameter whose layer folds).
  func fold(for p: Parameter) -> MomentumFold? {
    guard p.foldsMomentum, momentum > 0, !nesterov else { return nil }
    return MomentumFold(momentum: momentum, weightDecay: p.decays ? weightDecay : 0)
  }

  /// Lets the layers of `parameters` that can fold this optimizer's
  /// momentum update into their gradient kernel do so: their `gradient`
  /// arrays are released (4 bytes per sparse connection) and their next
  /// backward writes the velocity. The arithmetic is the same update;
  /// ``Trainer`` calls this for the length of a run, and
  /// ``unfoldMomentum(_:)`` restores ordinary gradients.
  public func foldMomentum(into parameters: [Parameter]) {
    for p in parameters {
      guard let fold = fold(for: p) else { continue }
      if p.optimizerState.count != 1 { p.optimizerState = [[Float](repeating: 0, count: p.count)] }
      p.momentumFold = fold
      p.gradient = []
    }
  }

  /// Undoes ``foldMomentum(into:)``: the parameters get zero gradients and
  /// their layers write gradients again.
  public func unfoldMomentum(_ parameters: [Parameter]) {
    for p in parameters where p.momentumFold != nil {
      p.momentumFold = nil
      p.gradient = [Float](repeating: 0, count: p.count)
    }
  }

  public func step(_ parameters: [Parameter]) {
    stepCount += 1
    let (mu, nesterov) = (momentum, self.nesterov)
    for p in parameters {
      let lr = learningRate * p.learningRateScale * p.fanInScale
      let wd = p.decays ? weightDecay : 0
      if let folded = p.momentumFold {
        // The backward already wrote v ← μ·v + λ·w + ∇.
        precondition(folded == fold(for: p), "\(p.name): its momentum was folded for another SGD (\(folded))")
        p.value.withUnsafeMutableBufferPointer { w in
          p.optimizerState[0].withUnsafeBufferPointer { v in
            for i in 0..<w.count { w[i] -= lr * v[i] }
          }
        }
        continue
      }
      if mu == 0 {
        p.value.withUnsafeMutableBufferPointer { w in
          p.gradient.withUnsafeBufferPointer { g in
            for i in 0..<w.count { w[i] -= lr * (g[i] + wd * w[i]) }
          }
        }
        continue
      }
      if p.optimizerState.count != 1 { p.optimizerState = [[Float](repeating: 0, count: p.count)] }
      p.value.withUnsafeMutableBufferPointer { w in
        p.gradient.withUnsafeBufferPointer { g in
          p.optimizerState[0].withUnsafeMutableBufferPointer { v in
            for i in 0..<w.count {
              let gi = g[i] + wd * w[i]
              v[i] = mu * v[i] + gi
              w[i] -= lr * (nesterov ? gi + mu * v[i] : v[i])
            }
          }
        }
      }
    }
  }
}
