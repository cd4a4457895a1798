// Reference implementations and inputs shared by the convolution and pooling tests.
@testable import Sprig

/// Direct convolution on a CHWN batch, straight from the definition, in Double.
func naiveConvolution(_ conv: Conv2D, _ x: Matrix) -> [Double] {
  let g = conv.geometry
  let (c, h, w, k) = (g.input.channels, g.input.height, g.input.width, g.kernelSize)
  let (oc, oh, ow, b) = (conv.outputChannels, g.outputHeight, g.outputWidth, x.columns)
  var y = [Double](repeating: 0, count: oc * oh * ow * b)
  for o in 0..<oc {
    for oy in 0..<oh {
      for ox in 0..<ow {
        for n in 0..<b {
          var s = Double(conv.bias.value[o])
          for ci in 0..<c {
            for ky in 0..<k {
              for kx in 0..<k {
                let iy = oy * g.stride + ky - g.padTop, ix = ox * g.stride + kx - g.padLeft
                guard (0..<h).contains(iy) && (0..<w).contains(ix) else { continue }
                let weight = conv.weight.value[((o * c + ci) * k + ky) * k + kx]
                s += Double(weight) * Double(x[(ci * h + iy) * w + ix, n])
              }
            }
          }
          y[((o * oh + oy) * ow + ox) * b + n] = s
        }
      }
    }
  }
  return y
}

/// A `rows × columns` matrix holding a seeded shuffle of distinct values
/// `0.05·i − 1` apart by 0.05: a ±0.01 finite-difference step never changes
/// which element of a window is the largest.
func matrixWithoutTies(rows: Int, columns: Int, seed: UInt64) -> Matrix {
  var g = SeededGenerator(seed: seed)
  var values = (0..<(rows * columns)).map { Float($0) * 0.05 - 1 }
  values.shuffle(using: &g)
  return Matrix(rows: rows, columns: columns, elements: values)
}
