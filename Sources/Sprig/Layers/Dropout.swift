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
  /// The last training forward's mask, as the seed it is computed from: the
  /// backward recomputes it rather than storing a float per activation.
  private var maskSeed: UInt64?
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)

  /// Dropout over `size` features; `seed` fixes the masks.
  public init(size: Int, rate: Float, seed: UInt64) {
    precondition((0..<1).contains(rate), "Dropout rate must be in [0, 1)")
    self.inputSize = size
    self.rate = rate
    self.rng = SeededGenerator(seed: seed)
  }

  /// Restarts the mask stream from `seed` (the trainer does it every epoch,
  /// so a resumed run draws the same masks as an uninterrupted one).
  public func reseed(_ seed: UInt64) { rng = SeededGenerator(seed: seed) }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    guard training, rate > 0 else { return x }
    output.reshape(rows: x.rows, columns: x.columns)
    let seed = rng.next()
    ElementwiseKernels.dropout(x, into: output, keep: 1 - rate, seed: seed)
    maskSeed = seed
    return output
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard rate > 0 else { return dY }
    guard let seed = maskSeed else { preconditionFailure("\(name): backward without a training forward") }
    precondition(dY.count == output.count, "\(name): output gradient is \(dY.rows)×\(dY.columns), output was \(output.rows)×\(output.columns)")
    maskSeed = nil
    inputGradient.reshape(rows: dY.rows, columns: dY.columns)
    ElementwiseKernels.dropout(dY, into: inputGradient, keep: 1 - rate, seed: seed)
    return inputGradient
  }
}
