// MaxPool2D: the largest value of each window, per channel.
import SprigKernels

/// Max pooling over `k × k` windows, channel by channel, on CHWN batches
/// (see ``Conv2D`` for the layout):
///
///     y[c, oy, ox] = max over the window's in-image pixels of x[c, iy, ix]
///
/// Padding positions are ignored (never chosen). Backward routes each
/// output gradient to the input that won its window (the first one, on a
/// tie), summing when overlapping windows share a winner.
public final class MaxPool2D: PoolingLayer {
  /// Where the windows land.
  public let geometry: WindowGeometry
  public var needsInputGradient = true

  // For each output element, the index of its winning input element.
  private var winners: [Int32] = []
  private var cachedBatch: Int?
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)

  public var name: String { "MaxPool2D \(geometry.input)→\(outputShape)" }

  /// Max pooling of `size × size` windows moved by `stride` (default: `size`, windows that tile the image).
  public init(input: ImageShape, size: Int = 2, stride: Int? = nil, padding: Padding = .valid) {
    geometry = WindowGeometry(input: input, kernelSize: size, stride: stride ?? size, padding: padding)
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features, expected \(inputSize)")
    let b = x.columns
    output.reshape(rows: outputSize, columns: b)
    if winners.count != output.count { winners = [Int32](repeating: 0, count: output.count) }
    x.elements.withUnsafeBufferPointer { xs in
      output.elements.withUnsafeMutableBufferPointer { ys in
        winners.withUnsafeMutableBufferPointer { arg in
          let (xs, ys, arg) = (xs.baseAddress!, ys.baseAddress!, arg.baseAddress!)
          forEachWindow { window, pixels in
            let o = window * b
            var first: Int32 = 1
            for pixel in pixels {
              let i = pixel * b
              sprig_max_pool_row(xs + i, ys + o, arg + o, Int32(i), Int64(b), first)
              first = 0
            }
          }
        }
      }
    }
    cachedBatch = training ? b : nil
    return output
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard let b = cachedBatch else { preconditionFailure("\(name): backward without a training forward") }
    precondition(dY.rows == outputSize && dY.columns == b, "\(name): output gradient is \(dY.rows)×\(dY.columns)")
    cachedBatch = nil
    guard needsInputGradient else {
      inputGradient.reshape(rows: 0, columns: 0)
      return inputGradient
    }
    inputGradient.reshape(rows: inputSize, columns: b)
    inputGradient.fill(0)
    dY.elements.withUnsafeBufferPointer { dy in
      winners.withUnsafeBufferPointer { arg in
        inputGradient.elements.withUnsafeMutableBufferPointer { dx in
          for o in 0..<dy.count { dx[Int(arg[o])] += dy[o] }
        }
      }
    }
    return inputGradient
  }
}
