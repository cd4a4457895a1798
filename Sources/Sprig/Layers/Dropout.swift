// Dropout: inverted dropout with its own seeded generator.

/// Inverted dropout: while training, zeroes each activation with
/// probability `rate` and scales the survivors by `1 / (1 − rate)`, so
/// inference is the identity.
public final class Dropout: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  /// The probability of dropping an activation.
  public let rate: Float
  public var parameters: [Parameter] { [] }
  public var name: String { "Dropout(\(rate))" }

  private var rng: SeededGenerator
  /// This step's mask: drawn by the training forward, read by the backward.
  private let mask: DropoutMask
  private var maskPending = false
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)

  /// Dropout over `size` features; `seed` fixes the masks.
  public init(size: Int, rate: Float, seed: UInt64) {
    precondition((0..<1).contains(rate), "Dropout rate must be in [0, 1)")
    self.inputSize = size
    self.rate = rate
    self.rng = SeededGenerator(seed: seed)
    self.mask = DropoutMask(seed: 0, keep: 1 - rate)
  }

  /// Restarts the mask stream from `seed` (the trainer does it every epoch,
  /// so a resumed run draws the same masks as an uninterrupted one).
  public func reseed(_ seed: UInt64) { rng = SeededGenerator(seed: seed) }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    guard let mask = nextMask(training: training) else { return x }
    output.reshape(rows: x.rows, columns: x.columns)
    ElementwiseKernels.dropout(x, into: output, mask: mask)
    return output
  }

  /// The forward when the layer before applies the mask in its own kernel
  /// (``Sequential`` fuses sparse, SReLU, dropout): this step's mask, for
  /// that kernel to draw as ``forward(_:training:)`` would, with the matrix
  /// to write the output into; nil when nothing drops (not training, or rate 0).
  func forwardFused(training: Bool) -> (mask: DropoutMask, output: Matrix)? {
    nextMask(training: training).map { ($0, output) }
  }

  private func nextMask(training: Bool) -> DropoutMask? {
    guard training, rate > 0 else { return nil }
    mask.reseed(rng.next())
    maskPending = true
    return mask
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard rate > 0 else { return dY }
    let mask = takeMask()
    inputGradient.reshape(rows: dY.rows, columns: dY.columns)
    ElementwiseKernels.dropoutBackward(dY, into: inputGradient, mask: mask)
    return inputGradient
  }

  /// The last forward's mask for a backward that applies it in its own
  /// kernel (see ``forwardFused(training:)``); nil when nothing drops.
  func backwardFused() -> DropoutMask? {
    guard rate > 0 else { return nil }
    return takeMask()
  }

  /// The mask of the forward this backward mirrors (its kernel checks the shape).
  private func takeMask() -> DropoutMask {
    guard maskPending else { preconditionFailure("\(name): backward without a training forward") }
    maskPending = false
    return mask
  }
}
