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
  private var mask: [Float] = []
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
    if mask.count != x.count { mask = [Float](repeating: 0, count: x.count) }
    ElementwiseKernels.dropout(x, into: output, mask: &mask, keep: 1 - rate, seed: rng.next())
    return output
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard rate > 0 else { return dY }
    inputGradient.reshape(rows: dY.rows, columns: dY.columns)
    mask.withUnsafeBufferPointer { m in
      dY.elements.withUnsafeBufferPointer { d in
        inputGradient.elements.withUnsafeMutableBufferPointer { g in
          for i in 0..<g.count { g[i] = d[i] * m[i] }
        }
      }
    }
    return inputGradient
  }
}
