// Parameter: a flat array of trainable values with its gradient and the
// optimizer's state, kept together so evolution can edit all three.

/// A trainable array, its gradient and the optimizer's per-element state.
///
/// Sparse layers store their weights as a parameter over the CSR value
/// array. When evolution changes the pattern it calls ``remap(from:)``, so
/// surviving connections keep their optimizer state and regrown ones start
/// from zero.
public final class Parameter {
  /// A name unique within its layer (`weight`, `bias`, `slope`, …).
  public let name: String
  /// The values.
  public var value: [Float]
  /// ∂L/∂value, written by the layer's backward.
  public var gradient: [Float]
  /// Whether weight decay applies (weights yes; biases and activation
  /// parameters no, as in PyTorch's common practice for SET-style MLPs).
  public let decays: Bool
  /// Multiplies the optimizer's learning rate for this parameter, set by
  /// whoever builds the model (e.g. a CNN's sparse head at a higher rate
  /// under Adam); with SGD the Trainer's ``fanInScale`` comes on top.
  public var learningRateScale: Float = 1
  /// SGD's per-layer multiplier for the layer's fan-in (``FanInScaling``),
  /// set by the ``Trainer`` at each epoch; applied on top of
  /// `learningRateScale`.
  public internal(set) var fanInScale: Float = 1
  /// Optimizer state arrays (momentum, Adam moments), each as long as
  /// `value`; created and owned by the optimizer.
  public var optimizerState: [[Float]] = []
  /// Whether the owning layer's backward can fold SGD's momentum update
  /// into its weight-gradient kernel (sparse weights: the SDDMM then writes
  /// the velocity, and the 4-byte gradient per connection is never stored).
  public let foldsMomentum: Bool
  /// Set by ``SGD/foldMomentum(into:)``: while it is, the layer's backward
  /// writes `v ← μ·v + λ·w + ∇` into `optimizerState[0]` instead of `∇`
  /// into `gradient` (which is then empty), and SGD's step only applies
  /// `w ← w − η·v`.
  public internal(set) var momentumFold: MomentumFold?

  /// A parameter holding `value`, with a zero gradient.
  public init(name: String, value: [Float], decays: Bool, foldsMomentum: Bool = false) {
    self.name = name
    self.value = value
    self.gradient = [Float](repeating: 0, count: value.count)
    self.decays = decays
    self.foldsMomentum = foldsMomentum
  }

  /// The number of elements.
  public var count: Int { value.count }

  /// Re-indexes gradient and optimizer state after the value array changed
  /// layout: element `i` of the new layout came from `source[i]` of the old
  /// one, or is new when `source[i] < 0` (state zero). `value` must already
  /// hold the new values.
  public func remap(from source: [Int32]) {
    precondition(source.count == value.count, "remap: \(source.count) sources for \(value.count) values")
    gradient = [Float](repeating: 0, count: momentumFold == nil ? value.count : 0)
    optimizerState = optimizerState.map { old in
      source.map { $0 >= 0 ? old[Int($0)] : 0 }
    }
  }
}

/// SGD's momentum update as a layer folds it into its gradient kernel:
/// `v ← momentum·v + weightDecay·w + ∇` (PyTorch's SGD without Nesterov,
/// with `weightDecay` 0 for parameters that do not decay).
public struct MomentumFold: Equatable, Sendable {
  public var momentum: Float
  public var weightDecay: Float

  public init(momentum: Float, weightDecay: Float) {
    self.momentum = momentum
    self.weightDecay = weightDecay
  }
}
