// NarrowDenseKernels: the Swift face of narrow_body.h (compiled per ISA in
// Kernels.c), a dense layer with few outputs over feature-major activations.
import SprigKernels

/// Sprig's kernels for a dense layer with few outputs, such as a classifier
/// (``Linear`` uses them up to ``maximumOutputs``): OpenBLAS sgemm packs both operands and
/// runs a beta pass each call, which at ten outputs costs more than the
/// multiply-adds; these keep every output's accumulators in registers and
/// stream the activations once. `W` is `outputs × inputs`, row-major;
/// activations are feature-major (`features × batch`).
public enum NarrowDenseKernels {
  /// The most outputs a ``Linear`` runs on these kernels; wider layers stay
  /// on sgemm. (The kernels take any count, twelve outputs per pass.)
  public static let maximumOutputs = 16

  /// `Y = W·X + bias` (per row); `y` is reshaped to `outputs × batch`.
  public static func forward(weights w: [Float], outputs m: Int, bias: [Float]?, _ x: Matrix, into y: Matrix) {
    let k = x.rows, batch = x.columns
    precondition(w.count == m * k && (bias == nil || bias!.count == m), "narrow dense: \(w.count) weights for \(m)×\(k)")
    y.reshape(rows: m, columns: batch)
    SparseKernels.withOptionalBuffer(bias) { b in
      w.withUnsafeBufferPointer { pw in
        x.elements.withUnsafeBufferPointer { px in
          y.elements.withUnsafeMutableBufferPointer { py in
            let (wB, xB, yB) = (pw.baseAddress, px.baseAddress, py.baseAddress)
            // Chunks of eight-column tiles: the kernel's vector width.
            Parallel.forEachChunk(of: (batch + 7) / 8, minimumChunk: 4) { tiles in
              sprig_narrow_forward(
                wB, Int64(m), Int64(k), b, xB, yB, Int64(batch), Int64(tiles.lowerBound * 8),
                Int64(min(tiles.upperBound * 8, batch)))
            }
          }
        }
      }
    }
  }

  /// `dX = Wᵀ·dY`; `dX` is reshaped to `inputs × batch`.
  public static func inputGradient(weights w: [Float], inputs k: Int, _ dY: Matrix, into dX: Matrix) {
    inputGradient(weights: w, inputs: k, dY, into: dX, epilogue: sprig_epilogue())
  }

  /// `dX = Wᵀ·dY` carried on through `activation` (see ``CarriedActivation``;
  /// a ReLU's output is `layerInput`), as the sparse backward SpMM does.
  static func inputGradient(
    weights w: [Float], inputs k: Int, _ dY: Matrix, into dX: Matrix, carrying activation: CarriedActivation,
    layerInput: Matrix, sums: inout [Float], rowSums: inout [Float]
  ) {
    activation.withEpilogue(rows: k, columns: dY.columns, layerInput: layerInput, sums: &sums, rowSums: &rowSums) { e in
      inputGradient(weights: w, inputs: k, dY, into: dX, epilogue: e)
    }
  }

  private static func inputGradient(weights w: [Float], inputs k: Int, _ dY: Matrix, into dX: Matrix, epilogue: sprig_epilogue) {
    let m = dY.rows, batch = dY.columns
    precondition(w.count == m * k, "narrow dense: \(w.count) weights for \(m)×\(k)")
    dX.reshape(rows: k, columns: batch)
    withUnsafePointer(to: epilogue) { e in
      w.withUnsafeBufferPointer { pw in
        dY.elements.withUnsafeBufferPointer { pd in
          dX.elements.withUnsafeMutableBufferPointer { px in
            let (wB, dB, xB) = (pw.baseAddress, pd.baseAddress, px.baseAddress)
            Parallel.forEachChunk(of: k, minimumChunk: 256) { j in
              sprig_narrow_input_gradient(
                wB, Int64(m), Int64(k), dB, xB, Int64(batch), Int64(j.lowerBound), Int64(j.upperBound), e)
            }
          }
        }
      }
    }
  }

  /// `dW = dY·Xᵀ` into `gradient` (`outputs × inputs`, overwritten).
  public static func weightGradient(_ dY: Matrix, _ x: Matrix, into gradient: inout [Float]) {
    let m = dY.rows, k = x.rows, batch = x.columns
    precondition(dY.columns == batch && gradient.count == m * k, "narrow dense: a \(gradient.count)-entry gradient for \(m)×\(k)")
    dY.elements.withUnsafeBufferPointer { pd in
      x.elements.withUnsafeBufferPointer { px in
        gradient.withUnsafeMutableBufferPointer { pg in
          let (dB, xB, gB) = (pd.baseAddress, px.baseAddress, pg.baseAddress)
          Parallel.forEachChunk(of: k, minimumChunk: 256) { j in
            sprig_narrow_weight_gradient(dB, Int64(m), Int64(k), xB, gB, Int64(batch), Int64(j.lowerBound), Int64(j.upperBound))
          }
        }
      }
    }
  }
}
