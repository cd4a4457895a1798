// PoolingLayer: the shape bookkeeping every pooling layer shares.

/// A per-channel pooling layer over the windows of a ``WindowGeometry``.
public protocol PoolingLayer: Layer {
  /// Where the windows land.
  var geometry: WindowGeometry { get }
}

extension PoolingLayer {
  public var inputSize: Int { geometry.input.featureCount }
  public var outputSize: Int { geometry.input.channels * geometry.outputPixels }
  public var parameters: [Parameter] { [] }
  /// The shape of one output sample (same channels, smaller image).
  public var outputShape: ImageShape {
    ImageShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: geometry.input.channels)
  }
}

/// The in-image input pixels of one pooling window, as feature indices
/// (channel-first), padding left out.
struct WindowPixels: Sequence {
  /// The feature index of the window's top-left in-image pixel.
  let first: Int
  let rows: Int
  let columns: Int
  /// The image width: the stride between window rows.
  let width: Int

  /// The number of in-image pixels (what an average divides by).
  var count: Int { rows * columns }

  struct Iterator: IteratorProtocol {
    let pixels: WindowPixels
    var row = 0, column = 0
    mutating func next() -> Int? {
      guard row < pixels.rows, pixels.columns > 0 else { return nil }
      defer {
        column += 1
        if column == pixels.columns { (row, column) = (row + 1, 0) }
      }
      return pixels.first + row * pixels.width + column
    }
  }

  func makeIterator() -> Iterator { Iterator(pixels: self) }
}

extension PoolingLayer {
  /// Calls `body(window, pixels)` for every window — `window` is its output
  /// feature index, `pixels` the input features it covers — spreading the
  /// channels over threads: a channel's windows read and write only that
  /// channel's plane, so the calls never overlap.
  func forEachWindow(_ body: (_ window: Int, _ pixels: WindowPixels) -> Void) {
    let g = geometry
    let (h, w, oh, ow) = (g.input.height, g.input.width, g.outputHeight, g.outputWidth)
    Parallel.forEachChunk(of: g.input.channels) { channels in
      for c in channels {
        for oy in 0..<oh {
          let rows = g.validKernelRows(oy)
          for ox in 0..<ow {
            let columns = g.validKernelColumns(ox)
            let first = (c * h + oy * g.stride + rows.lowerBound - g.padTop) * w + ox * g.stride + columns.lowerBound - g.padLeft
            body((c * oh + oy) * ow + ox, WindowPixels(first: first, rows: rows.count, columns: columns.count, width: w))
          }
        }
      }
    }
  }
}
