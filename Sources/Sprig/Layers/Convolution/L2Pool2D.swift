// L2Pool2D: the Euclidean norm of each window, per channel.

/// L2 pooling over `k × k` windows, channel by channel, on CHWN batches
/// (see ``Conv2D`` for the layout):
///
///     y[c, oy, ox] = √( Σ x[c, iy, ix]² )   over the window's in-image pixels
///
/// Backward: `∂y/∂x = x / y` (taken as 0 where the window is all zeros,
/// the subgradient at the norm's kink).
public final class L2Pool2D: PoolingLayer {
  /// Where the windows land.
  public let geometry: WindowGeometry
  public var needsInputGradient = true

  private var input: Matrix?
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)

  public var name: String { "L2Pool2D \(geometry.input)→\(outputShape)" }

  /// L2 pooling of `size × size` windows moved by `stride` (default: `size`).
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
            for j in 0..<b { y[j] += xi[j] * xi[j] }
          }
          for j in 0..<b { y[j] = y[j].squareRoot() }
        }
      }
    }
    input = training ? x : nil
    return output
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard let x = input else { preconditionFailure("\(name): backward without a training forward") }
    let b = x.columns
    precondition(dY.rows == outputSize && dY.columns == b, "\(name): output gradient is \(dY.rows)×\(dY.columns)")
    input = nil
    guard needsInputGradient else {
      inputGradient.reshape(rows: 0, columns: 0)
      return inputGradient
    }
    inputGradient.reshape(rows: inputSize, columns: b)
    inputGradient.fill(0)
    x.elements.withUnsafeBufferPointer { xs in
      output.elements.withUnsafeBufferPointer { ys in
        dY.elements.withUnsafeBufferPointer { dys in
          inputGradient.elements.withUnsafeMutableBufferPointer { dxs in
            let (xs, ys, dys, dxs) = (xs.baseAddress!, ys.baseAddress!, dys.baseAddress!, dxs.baseAddress!)
            forEachWindow { window, pixels in
              let o = window * b
              for pixel in pixels {
                let i = pixel * b
                for j in 0..<b where ys[o + j] > 0 { dxs[i + j] += xs[i + j] / ys[o + j] * dys[o + j] }
              }
            }
          }
        }
      }
    }
    return inputGradient
  }
}
