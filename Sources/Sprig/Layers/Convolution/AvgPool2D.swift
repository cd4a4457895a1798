// AvgPool2D: the mean of each window, per channel.

/// Average pooling over `k × k` windows, channel by channel, on CHWN
/// batches (see ``Conv2D`` for the layout):
///
///     y[c, oy, ox] = (1/n) Σ x[c, iy, ix]   over the window's n in-image pixels
///
/// Padding is left out of the mean (n counts only pixels inside the image),
/// so a border window is not darkened. Backward spreads `dy/n` over the window.
public final class AvgPool2D: PoolingLayer {
  /// Where the windows land.
  public let geometry: WindowGeometry
  public var needsInputGradient = true

  private var cachedBatch: Int?
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)

  public var name: String { "AvgPool2D \(geometry.input)→\(outputShape)" }

  /// Average pooling of `size × size` windows moved by `stride` (default: `size`).
  public init(input: ImageShape, size: Int = 2, stride: Int? = nil, padding: Padding = .valid) {
    geometry = WindowGeometry(input: input, kernelSize: size, stride: stride ?? size, padding: padding)
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features, expected \(inputSize)")
    let b = x.columns
    output.reshape(rows: outputSize, columns: b)
    x.elements.withUnsafeBufferPointer { xs in
      output.elements.withUnsafeMutableBufferPointer { ys in
        let (xs, ys) = (xs.baseAddress!, ys.baseAddress!)
        forEachWindow { window, pixels in
          let y = ys + window * b
          y.update(repeating: 0, count: b)
          for pixel in pixels {
            let xi = xs + pixel * b
            for j in 0..<b { y[j] += xi[j] }
          }
          let scale = 1 / Float(pixels.count)
          for j in 0..<b { y[j] *= scale }
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
    dY.elements.withUnsafeBufferPointer { dys in
      inputGradient.elements.withUnsafeMutableBufferPointer { dxs in
        let (dys, dxs) = (dys.baseAddress!, dxs.baseAddress!)
        forEachWindow { window, pixels in
          let dy = dys + window * b
          let scale = 1 / Float(pixels.count)
          for pixel in pixels {
            let dx = dxs + pixel * b
            for j in 0..<b { dx[j] += scale * dy[j] }
          }
        }
      }
    }
    return inputGradient
  }
}
