// WindowGeometry: where a square sliding window (convolution or pooling) lands on an image.

/// How a sliding window treats the image border.
public enum Padding: String, Codable, CaseIterable, Sendable {
  /// Only windows that lie inside the image: an output side of `⌊(n − k)/s⌋ + 1`.
  case valid
  /// Zero padding so that the output side is `⌈n / s⌉` (TensorFlow's
  /// convention: the total padding `max((out − 1)·s + k − n, 0)` is split
  /// evenly, the odd row or column going to the bottom or right).
  case same
}

/// The geometry of a `k × k` window moved with stride `s` over images of
/// shape `input`: output size and padding.
///
/// Output pixel `(oy, ox)` reads input pixels `(oy·s + ky − padTop,
/// ox·s + kx − padLeft)` for `ky, kx` in `0..<k`; positions outside the image
/// are padding (zero for convolution, ignored by pooling).
public struct WindowGeometry: Equatable, Hashable, Sendable {
  /// The shape of one input sample.
  public let input: ImageShape
  /// The window's side, `k`.
  public let kernelSize: Int
  /// The step between windows, `s`.
  public let stride: Int
  /// How borders are handled.
  public let padding: Padding
  /// Rows of output pixels.
  public let outputHeight: Int
  /// Columns of output pixels.
  public let outputWidth: Int
  /// Padding rows above the image.
  public let padTop: Int
  /// Padding columns left of the image.
  public let padLeft: Int

  /// The geometry of a `kernelSize × kernelSize` window with `stride` over `input`.
  public init(input: ImageShape, kernelSize: Int, stride: Int, padding: Padding) {
    precondition(kernelSize > 0 && stride > 0, "WindowGeometry: kernel size and stride must be positive")
    self.input = input
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    func side(_ n: Int) -> (out: Int, before: Int) {
      switch padding {
      case .valid:
        precondition(n >= kernelSize, "WindowGeometry: a \(kernelSize)×\(kernelSize) window does not fit in \(input)")
        return ((n - kernelSize) / stride + 1, 0)
      case .same:
        let out = (n + stride - 1) / stride
        let total = max((out - 1) * stride + kernelSize - n, 0)
        return (out, total / 2)
      }
    }
    (outputHeight, padTop) = side(input.height)
    (outputWidth, padLeft) = side(input.width)
  }

  /// Output pixels per channel, `outputHeight × outputWidth`.
  public var outputPixels: Int { outputHeight * outputWidth }

  /// The input rows `ky` of the window at output row `oy` that fall inside the image.
  @inline(__always) func validKernelRows(_ oy: Int) -> Range<Int> {
    let top = oy * stride - padTop
    return max(0, -top)..<min(kernelSize, input.height - top)
  }

  /// The input columns `kx` of the window at output column `ox` that fall inside the image.
  @inline(__always) func validKernelColumns(_ ox: Int) -> Range<Int> {
    let left = ox * stride - padLeft
    return max(0, -left)..<min(kernelSize, input.width - left)
  }

  /// The output columns `ox` whose window column `kx` falls inside the image
  /// (`0 ≤ ox·s + kx − padLeft < W`), as a range.
  @inline(__always) func validOutputColumns(kernelColumn kx: Int) -> Range<Int> {
    let low = padLeft - kx  // ox·s ≥ low
    let high = input.width - 1 + padLeft - kx  // ox·s ≤ high
    guard high >= 0 else { return 0..<0 }
    let first = low <= 0 ? 0 : (low + stride - 1) / stride
    let last = min(outputWidth, high / stride + 1)
    return first..<max(first, last)
  }
}
