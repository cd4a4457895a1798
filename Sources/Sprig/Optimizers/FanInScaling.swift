// FanInScaling: per-layer SGD learning rates that do not grow with width.

/// Scales each layer's SGD step by `min(1, reference / fanIn)`, where
/// `fanIn` is the number of inputs a unit of the layer sees (the mean
/// in-degree for a sparse layer).
///
/// Why: one SGD step moves a unit's pre-activation by about
/// `lr · fanIn · E[x²] · δ`, so at a fixed rate a layer with ten times the
/// inputs takes ten times the step. A SET-MLP's sparse layers see a few
/// dozen inputs at any width (ε·(n+m)/m), but its dense output layer sees
/// the whole last hidden layer: at lr 0.2 the first-epoch training loss on
/// Fashion-MNIST was 0.58 with three 1,000-wide hidden layers, 1.08 with
/// 4,000 and 1.84 with 10,000 (a divergence early in the epoch). Scaling the
/// rate by 1/fan-in beyond a reference is the output-layer rule of μP
/// (Yang et al. 2021, "Tensor Programs V") applied to every layer by its
/// fan-in; with a reference of 256 it also gives the dense MLP's 1,000-input
/// layers the rate of 0.05 measured best for them, so dense and sparse
/// layers train under one rule.
///
/// Only ``Linear`` and ``SparseLinear`` layers of a ``Sequential`` are
/// scaled (convolutions and recurrent cells keep their rate); Adam, whose
/// step does not follow the gradient's size, is not scaled.
public struct FanInScaling: Sendable {
  /// The fan-in up to which a layer trains at the base rate.
  public var reference: Int

  public init(reference: Int) {
    precondition(reference > 0, "FanInScaling: the reference fan-in must be positive")
    self.reference = reference
  }

  /// The multiplier for a layer whose units see `fanIn` inputs on average.
  public func scale(fanIn: Double) -> Float {
    Float(min(1, Double(reference) / max(fanIn, 1)))
  }

  /// Sets every ``Linear`` and ``SparseLinear`` parameter's
  /// ``Parameter/fanInScale`` for the layer's current fan-in. Idempotent;
  /// the ``Trainer`` calls it at the start of each epoch, so a sparse
  /// layer's scale follows its connection count and a resumed run computes
  /// the same scales as an uninterrupted one.
  public func apply(to model: Sequential) {
    for layer in model.layers {
      let fanIn: Double
      switch layer {
      case let dense as Linear: fanIn = Double(dense.inputSize)
      case let sparse as SparseLinear: fanIn = Double(sparse.connectionCount) / Double(max(sparse.outputSize, 1))
      default: continue
      }
      let s = scale(fanIn: fanIn)
      for p in layer.parameters { p.fanInScale = s }
    }
  }

  /// Puts every parameter of `model` back at the base rate.
  public static func remove(from model: Sequential) {
    for p in model.parameters { p.fanInScale = 1 }
  }
}
