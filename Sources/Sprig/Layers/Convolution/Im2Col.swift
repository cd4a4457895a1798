// Im2Col: unfolding CHWN images into the column matrix a convolution multiplies, and folding gradients back.

/// The im2col rearrangement for images laid out CHWN (feature-major
/// batches, see ``Conv2D``).
///
/// `cols` has one row per window offset `(c, ky, kx)` (`C·k·k` rows) and one
/// column per output position and sample `(oy, ox, b)` (`OH·OW·B` columns):
///
///     cols[(c·k + ky)·k + kx, (oy·OW + ox)·B + b] = x[c, oy·s + ky − padTop, ox·s + kx − padLeft, b]
///
/// (zero where the window hangs over the border). Because the batch is the
/// innermost index of both, every copy moves `B` contiguous floats, or a
/// whole run of `ox` at stride 1.
enum Im2Col {
  /// Fills `cols` (`C·k·k × OH·OW·B`) from `x` (`C·H·W × B`).
  static func unfold(
    _ g: WindowGeometry, batch: Int, input x: UnsafeBufferPointer<Float>, into cols: UnsafeMutableBufferPointer<Float>
  ) {
    let (k, s, h, w) = (g.kernelSize, g.stride, g.input.height, g.input.width)
    let (oh, ow, b) = (g.outputHeight, g.outputWidth, batch)
    let rowLength = oh * ow * b
    precondition(x.count == g.input.featureCount * b && cols.count == g.input.channels * k * k * rowLength)
    guard let src = x.baseAddress, let dst = cols.baseAddress else { return }
    // Rows are independent: split them across threads (memory-bound, but a
    // second core still helps).
    Parallel.forEachChunk(of: g.input.channels * k * k, minimumChunk: 4) { rows in
      for row in rows {
        let c = row / (k * k), ky = (row / k) % k, kx = row % k
        let rowBase = dst + row * rowLength
        for oy in 0..<oh {
          let iy = oy * s + ky - g.padTop
          let out = rowBase + oy * ow * b
          guard iy >= 0 && iy < h else {
            out.update(repeating: 0, count: ow * b)
            continue
          }
          let inRow = src + (c * h + iy) * w * b
          // Output columns whose input column lies inside the image.
          let valid = g.validOutputColumns(kernelColumn: kx)
          let (first, last) = (valid.lowerBound, valid.upperBound)
          if first > 0 { out.update(repeating: 0, count: first * b) }
          if last < ow { (out + last * b).update(repeating: 0, count: (ow - last) * b) }
          guard first < last else {
            out.update(repeating: 0, count: ow * b)
            continue
          }
          if s == 1 {
            let ix = first + kx - g.padLeft
            (out + first * b).update(from: inRow + ix * b, count: (last - first) * b)
          } else {
            for ox in first..<last {
              let ix = ox * s + kx - g.padLeft
              (out + ox * b).update(from: inRow + ix * b, count: b)
            }
          }
        }
      }
    }
  }

  /// The adjoint of ``unfold(_:batch:input:into:)``: adds every entry of
  /// `cols` back to the input position it was read from. `dx` is
  /// overwritten (`C·H·W × B`).
  static func fold(
    _ g: WindowGeometry, batch: Int, columns cols: UnsafeBufferPointer<Float>, into dx: UnsafeMutableBufferPointer<Float>
  ) {
    let (k, s, h, w) = (g.kernelSize, g.stride, g.input.height, g.input.width)
    let (oh, ow, b) = (g.outputHeight, g.outputWidth, batch)
    let rowLength = oh * ow * b
    precondition(dx.count == g.input.featureCount * b && cols.count == g.input.channels * k * k * rowLength)
    guard let src = cols.baseAddress, let dst = dx.baseAddress else { return }
    // Split by channel: the k·k rows of one channel write the same pixels,
    // different channels never do.
    Parallel.forEachChunk(of: g.input.channels) { channels in
      for c in channels {
        let plane = dst + c * h * w * b
        plane.update(repeating: 0, count: h * w * b)
        for ky in 0..<k {
          for kx in 0..<k {
            let rowBase = src + ((c * k + ky) * k + kx) * rowLength
            let valid = g.validOutputColumns(kernelColumn: kx)
            let (first, last) = (valid.lowerBound, valid.upperBound)
            guard first < last else { continue }
            for oy in 0..<oh {
              let iy = oy * s + ky - g.padTop
              guard iy >= 0 && iy < h else { continue }
              let inRow = plane + iy * w * b
              let out = rowBase + oy * ow * b
              if s == 1 {
                // One contiguous run of (last − first)·B floats.
                let d = inRow + (first + kx - g.padLeft) * b, e = out + first * b
                for i in 0..<((last - first) * b) { d[i] += e[i] }
              } else {
                for ox in first..<last {
                  let d = inRow + (ox * s + kx - g.padLeft) * b, e = out + ox * b
                  for i in 0..<b { d[i] += e[i] }
                }
              }
            }
          }
        }
      }
    }
  }
}
