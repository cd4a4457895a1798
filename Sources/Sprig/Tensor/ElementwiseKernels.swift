// ElementwiseKernels: the C kernels of elementwise layers, behind Swift types.
import SprigKernels

/// Elementwise layer kernels written in C (see `Activations.c` for why).
enum ElementwiseKernels {
  /// SReLU's backward over a features × batch input `x` and output gradient
  /// `dY`: writes `dX` (when given) and returns, per unit, the four sums
  /// (Σʳdy, Σʳdy·x, Σˡdy, Σˡdy·x) over the right and left outer branches.
  static func sreluBackward(
    x: Matrix, dY: Matrix, into dX: Matrix?, leftThreshold: [Float], leftSlope: [Float], rightThreshold: [Float],
    rightSlope: [Float]
  ) -> [Float] {
    let rows = x.rows, batch = x.columns
    precondition(dY.rows == rows && dY.columns == batch && leftThreshold.count == rows)
    var sums = [Float](repeating: 0, count: 4 * rows)
    x.elements.withUnsafeBufferPointer { xs in
      dY.elements.withUnsafeBufferPointer { dys in
        sums.withUnsafeMutableBufferPointer { s in
          if let dX {
            precondition(dX.rows == rows && dX.columns == batch)
            dX.elements.withUnsafeMutableBufferPointer { dxs in
              sprig_srelu_backward_rows(
                xs.baseAddress, dys.baseAddress, dxs.baseAddress, Int64(batch), Int64(rows), leftThreshold, leftSlope,
                rightThreshold, rightSlope, s.baseAddress)
            }
          } else {
            sprig_srelu_backward_rows(
              xs.baseAddress, dys.baseAddress, nil, Int64(batch), Int64(rows), leftThreshold, leftSlope, rightThreshold,
              rightSlope, s.baseAddress)
          }
        }
      }
    }
    return sums
  }

  /// Inverted dropout of `x` into `y`, keeping each element with
  /// probability `keep` (to 2⁻²⁴) and writing the scale factors to `mask`;
  /// the decisions depend only on `seed`.
  static func dropout(_ x: Matrix, into y: Matrix, mask: inout [Float], keep: Float, seed: UInt64) {
    precondition(y.count == x.count && mask.count == x.count)
    let threshold = UInt32((Double(keep) * 16_777_216).rounded())
    x.elements.withUnsafeBufferPointer { xs in
      y.elements.withUnsafeMutableBufferPointer { ys in
        mask.withUnsafeMutableBufferPointer { m in
          sprig_dropout_forward(xs.baseAddress, ys.baseAddress, m.baseAddress, Int64(xs.count), seed, threshold, 1 / keep)
        }
      }
    }
  }

  /// SReLU's forward of a features × batch `x` into `y`.
  static func sreluForward(
    _ x: Matrix, into y: Matrix, leftThreshold: [Float], leftSlope: [Float], rightThreshold: [Float], rightSlope: [Float]
  ) {
    precondition(y.rows == x.rows && y.columns == x.columns && leftThreshold.count == x.rows)
    x.elements.withUnsafeBufferPointer { xs in
      y.elements.withUnsafeMutableBufferPointer { ys in
        sprig_srelu_forward_rows(
          xs.baseAddress, ys.baseAddress, Int64(x.columns), Int64(x.rows), leftThreshold, leftSlope, rightThreshold,
          rightSlope)
      }
    }
  }
}
