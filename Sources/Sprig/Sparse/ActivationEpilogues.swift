// ActivationEpilogues: the SpMM applying an SReLU and dropout to each row it
// finishes, forward and backward, while the row is in L1.
import SprigKernels

/// An SReLU's four parameters per unit, as the fused SpMM reads them.
public struct SReLUShape {
  // Constant after init, which checks their counts: the kernels read one
  // entry of each per row.
  public let leftThreshold: [Float], leftSlope: [Float], rightThreshold: [Float], rightSlope: [Float]

  public init(leftThreshold: [Float], leftSlope: [Float], rightThreshold: [Float], rightSlope: [Float]) {
    let n = leftThreshold.count  // (no Set: this runs twice per fused layer per step)
    precondition(leftSlope.count == n && rightThreshold.count == n && rightSlope.count == n, "SReLUShape: unequal parameter counts")
    (self.leftThreshold, self.leftSlope, self.rightThreshold, self.rightSlope) =
      (leftThreshold, leftSlope, rightThreshold, rightSlope)
  }

  var count: Int { leftThreshold.count }

  /// Calls `body` with `epilogue` pointing at the four arrays.
  func with<R>(_ epilogue: sprig_epilogue, _ body: (sprig_epilogue) -> R) -> R {
    leftThreshold.withUnsafeBufferPointer { tl in
      leftSlope.withUnsafeBufferPointer { al in
        rightThreshold.withUnsafeBufferPointer { tr in
          rightSlope.withUnsafeBufferPointer { ar in
            var e = epilogue
            (e.left_threshold, e.left_slope, e.right_threshold, e.right_slope) =
              (tl.baseAddress, al.baseAddress, tr.baseAddress, ar.baseAddress)
            return body(e)
          }
        }
      }
    }
  }
}

/// An inverted-dropout mask: element `i` of a matrix is kept with
/// probability `keep` (to 2⁻²⁴) and scaled by `1/keep`, decided by a hash of
/// `seed` and `i` alone. A forward kernel draws the decisions and keeps them
/// here, a byte per element, for the backward to read back.
public final class DropoutMask {
  public private(set) var seed: UInt64
  public let keep: Float
  private var kept: [UInt8] = []
  private var drawnShape: (rows: Int, columns: Int)?

  public init(seed: UInt64, keep: Float) {
    precondition(keep > 0 && keep <= 1, "Dropout keeps a fraction in (0, 1]")
    (self.seed, self.keep) = (seed, keep)
  }

  /// A new mask: the next forward draws its decisions from `seed`.
  public func reseed(_ seed: UInt64) {
    self.seed = seed
    drawnShape = nil
  }

  var threshold: UInt32 { UInt32((Double(keep) * 16_777_216).rounded()) }
  var scale: Float { 1 / keep }

  /// Calls `body` with the buffer a forward over a `rows × columns` matrix
  /// writes its decisions into.
  func drawing<R>(rows: Int, columns: Int, _ body: (UnsafeMutablePointer<UInt8>) -> R) -> R {
    if kept.count < rows * columns { kept = [UInt8](repeating: 0, count: rows * columns) }
    drawnShape = (rows, columns)
    return kept.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
  }

  /// Calls `body` with the decisions of the forward over a `rows × columns`
  /// matrix; fails when no forward drew them for that shape.
  func decisions<R>(rows: Int, columns: Int, _ body: (UnsafePointer<UInt8>) -> R) -> R {
    guard let shape = drawnShape else { preconditionFailure("Dropout: backward without a training forward") }
    precondition(shape == (rows, columns), "Dropout: a \(rows)×\(columns) gradient for a \(shape.rows)×\(shape.columns) forward")
    return kept.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}

extension SparseKernels {
  /// `Y = W·X + bias` and `activated = dropout(SReLU(Y))`: the forward of a
  /// sparse layer, the SReLU after it and the dropout after that (none when
  /// `dropout` is nil), each row done while it is in L1. `Y` stays the
  /// pre-activation, which the SReLU's backward reads. The same values as
  /// the three passes one after another.
  public static func multiply(
    _ pattern: SparsityPattern, values: [Float], bias: [Float]?, _ x: some SparseKernelInput, into y: Matrix,
    activating activated: Matrix, srelu: SReLUShape, dropout: DropoutMask?
  ) {
    precondition(srelu.count == pattern.rows, "SpMM: SReLU of \(srelu.count) units after \(pattern.rows) outputs")
    activated.reshape(rows: pattern.rows, columns: x.columns)
    activated.elements.withUnsafeMutableBufferPointer { act in
      var epilogue = sprig_epilogue()
      epilogue.activated = act.baseAddress
      func run(_ epilogue: sprig_epilogue) {
        srelu.with(epilogue) { e in
          multiply(pattern, values: values, valuePositions: nil, bias: bias, x, into: y, epilogue: e)
        }
      }
      guard let dropout else { return run(epilogue) }
      dropout.drawing(rows: pattern.rows, columns: x.columns) { kept in
        (epilogue.dropout_seed, epilogue.keep_threshold, epilogue.dropout_scale) =
          (dropout.seed, dropout.threshold, dropout.scale)
        epilogue.dropout_kept = kept
        run(epilogue)
      }
    }
  }

  /// The backward SpMM of a layer whose input is `dropout(SReLU(z))`,
  /// carried through both: `Y = SReLU′(z) ∘ dropout(W·X)` with `sums` the
  /// SReLU's four per-unit sums (see `sprig_srelu_backward_rows`) and
  /// `rowSums[r] = Σ_b Y[r, b]`, the bias gradient of the layer that made
  /// `z`. The same values as the SpMM, the dropout's backward, the SReLU's
  /// backward and ``rowSums(_:into:)`` one after another.
  public static func multiply(
    _ pattern: SparsityPattern, values: [Float], valuePositions: [Int32]?, _ x: some SparseKernelInput, into y: Matrix,
    throughDropout dropout: DropoutMask?, srelu: SReLUShape, input z: Matrix, sums: inout [Float],
    rowSums: inout [Float]
  ) {
    multiply(
      pattern, values: values, valuePositions: valuePositions, x, into: y,
      carrying: .srelu(srelu, input: z, dropout: dropout), layerInput: z, sums: &sums, rowSums: &rowSums)
  }

  /// The backward SpMM carrying the gradient on through `activation` (see
  /// ``CarriedActivation``; a ReLU's output is `layerInput`).
  static func multiply(
    _ pattern: SparsityPattern, values: [Float], valuePositions: [Int32]?, _ x: some SparseKernelInput, into y: Matrix,
    carrying activation: CarriedActivation, layerInput: Matrix, sums: inout [Float], rowSums: inout [Float]
  ) {
    activation.withEpilogue(rows: pattern.rows, columns: x.columns, layerInput: layerInput, sums: &sums, rowSums: &rowSums) { e in
      multiply(pattern, values: values, valuePositions: valuePositions, bias: nil, x, into: y, epilogue: e)
    }
  }
}

/// The activation an input-gradient kernel carries the gradient on through,
/// each row while it is in L1 (``Sequential`` fuses a layer, the activation
/// before it and the sparse layer before that): the kernel's rows become the
/// activation's input gradient, and their sums the bias gradient of the
/// sparse layer before.
enum CarriedActivation {
  /// A ReLU, whose output is the carrying layer's input.
  case relu
  /// An SReLU of pre-activation `input`, and the dropout after it (if any).
  case srelu(SReLUShape, input: Matrix, dropout: DropoutMask?)

  /// Calls `body` with the epilogue that carries a `rows × columns`
  /// gradient through this activation (a ReLU's output being `layerInput`),
  /// writing an SReLU's four sums per unit into `sums` and each row's sum
  /// into `rowSums`.
  func withEpilogue<R>(
    rows: Int, columns: Int, layerInput: Matrix, sums: inout [Float], rowSums: inout [Float],
    _ body: (sprig_epilogue) -> R
  ) -> R {
    precondition(rowSums.count == rows, "backward: \(rowSums.count) bias sums for \(rows) rows")
    return rowSums.withUnsafeMutableBufferPointer { rs in
      var epilogue = sprig_epilogue()
      epilogue.row_sums = rs.baseAddress
      switch self {
      case .relu:
        precondition(layerInput.rows == rows && layerInput.columns == columns,
          "backward: a \(layerInput.rows)×\(layerInput.columns) ReLU output for a \(rows)×\(columns) gradient")
        return layerInput.elements.withUnsafeBufferPointer { m in
          epilogue.relu_output = m.baseAddress
          return body(epilogue)
        }
      case .srelu(let shape, let z, let dropout):
        precondition(z.rows == rows && z.columns == columns && shape.count == rows,
          "backward: an SReLU input of \(z.rows)×\(z.columns) for a \(rows)×\(columns) gradient")
        if sums.count != 4 * rows { sums = [Float](repeating: 0, count: 4 * rows) }
        return z.elements.withUnsafeBufferPointer { zs in
          sums.withUnsafeMutableBufferPointer { s in
            (epilogue.srelu_input, epilogue.srelu_sums) = (zs.baseAddress, s.baseAddress)
            guard let dropout else { return shape.with(epilogue, body) }
            return dropout.decisions(rows: rows, columns: columns) { kept in
              epilogue.dropout_scale = dropout.scale
              epilogue.dropout_kept = UnsafeMutablePointer(mutating: kept)  // only read in the backward
              return shape.with(epilogue, body)
            }
          }
        }
      }
    }
  }
}
