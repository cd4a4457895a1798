// ElementwiseKernels: the C kernels of elementwise layers, behind Swift types.
import SprigKernels

/// Elementwise layer kernels written in C (see `Activations.c` for why).
/// The ReLU's, the SReLU's and dropout's are public for benchmarks that
/// time them against the fused kernels.
public enum ElementwiseKernels {
  /// SReLU's backward over a features × batch input `x` and output gradient
  /// `dY`: writes `dX` (when given) and, per unit, the four sums
  /// (Σʳdy, Σʳdy·x, Σˡdy, Σˡdy·x) over the right and left outer branches
  /// into `sums` (4 per unit, reused between steps).
  public static func sreluBackward(
    x: Matrix, dY: Matrix, into dX: Matrix?, leftThreshold: [Float], leftSlope: [Float], rightThreshold: [Float],
    rightSlope: [Float], sums: inout [Float]
  ) {
    let rows = x.rows, batch = x.columns
    precondition(dY.rows == rows && dY.columns == batch && leftThreshold.count == rows)
    if sums.count != 4 * rows { sums = [Float](repeating: 0, count: 4 * rows) }
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
  }

  /// Inverted dropout of `x` into `y`, drawing `mask`'s decisions (see
  /// ``DropoutMask``).
  public static func dropout(_ x: Matrix, into y: Matrix, mask: DropoutMask) {
    precondition(y.count == x.count)
    mask.drawing(rows: x.rows, columns: x.columns) { kept in
      x.elements.withUnsafeBufferPointer { xs in
        y.elements.withUnsafeMutableBufferPointer { ys in
          sprig_dropout(xs.baseAddress, ys.baseAddress, kept, Int64(xs.count), mask.seed, mask.threshold, mask.scale)
        }
      }
    }
  }

  /// Dropout's backward: `dX = dY`, scaled, where the last forward through
  /// `mask` kept the element, else 0.
  public static func dropoutBackward(_ dY: Matrix, into dX: Matrix, mask: DropoutMask) {
    precondition(dX.count == dY.count)
    mask.decisions(rows: dY.rows, columns: dY.columns) { kept in
      dY.elements.withUnsafeBufferPointer { ds in
        dX.elements.withUnsafeMutableBufferPointer { xs in
          sprig_dropout_backward(ds.baseAddress, xs.baseAddress, kept, Int64(ds.count), mask.scale)
        }
      }
    }
  }

  /// `y = max(x, 0)` elementwise (0 for NaN).
  static func reluForward(_ x: Matrix, into y: Matrix) {
    precondition(y.count == x.count)
    x.elements.withUnsafeBufferPointer { xs in
      y.elements.withUnsafeMutableBufferPointer { ys in sprig_relu_forward(xs.baseAddress, ys.baseAddress, Int64(xs.count)) }
    }
  }

  /// `m = max(m, 0)` elementwise, in place.
  public static func reluInPlace(_ m: Matrix) {
    m.elements.withUnsafeMutableBufferPointer { p in sprig_relu_forward(p.baseAddress, p.baseAddress, Int64(p.count)) }
  }

  /// `dx = x > 0 ? dy : 0` elementwise.
  public static func reluBackward(_ x: Matrix, _ dY: Matrix, into dX: Matrix) {
    precondition(dX.count == x.count && dY.count == x.count)
    x.elements.withUnsafeBufferPointer { xs in
      dY.elements.withUnsafeBufferPointer { dys in
        dX.elements.withUnsafeMutableBufferPointer { dxs in
          sprig_relu_backward(xs.baseAddress, dys.baseAddress, dxs.baseAddress, Int64(xs.count))
        }
      }
    }
  }

  /// SReLU's forward of a features × batch `x` into `y`.
  public static func sreluForward(
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

  /// Writes the rows `indices` of the sample-major `source` (each
  /// `featureCount` long) feature-major into `destination`:
  /// `destination[k·n + j] = source[indices[j]·featureCount + k]`.
  static func gatherColumns(
    _ source: UnsafeBufferPointer<Float>, featureCount: Int, indices: UnsafeBufferPointer<Int>,
    into destination: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(destination.count >= featureCount * indices.count)
    guard let src = source.baseAddress, let dst = destination.baseAddress, let idx = indices.baseAddress else { return }
    idx.withMemoryRebound(to: Int64.self, capacity: indices.count) { idx64 in
      sprig_gather_columns(src, Int64(featureCount), idx64, Int64(indices.count), dst)
    }
  }
}
