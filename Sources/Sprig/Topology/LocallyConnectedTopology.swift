// LocallyConnectedTopology: each output unit sees a k×k window of the input
// image over all its channels — a convolution's wiring without weight sharing.

/// The geometry of a locally connected 2-D layer: which input features each
/// output unit sees.
///
/// Input and output are images in Sprig's channel-first feature order,
/// `f = (c·H + y)·W + x` (see ``ImageShape/featureIndex(channel:y:x:)``).
/// Output unit `(oc, oy, ox)` sees input rows `oy·s − p ..< oy·s − p + k` and
/// columns `ox·s − p ..< ox·s − p + k` of every channel, clipped to the image:
/// padding adds no features (zero inputs carry no weight), so windows at the
/// border are simply smaller. The output height is `(H + 2p − k)/s + 1`, as
/// for a convolution, and likewise the width.
///
/// Windows are enumerated in closed form, so the type is a few integers
/// whatever the layer size; ``pattern()`` is the full local pattern and
/// ``pattern(density:using:)`` a random subset of it.
public struct LocalWindows: Equatable, Hashable, Codable, Sendable {
  /// The input image.
  public let input: ImageShape
  /// The output maps: `outputChannels` maps of the convolution output size.
  public let output: ImageShape
  /// The window side `k` (windows are `k × k`).
  public let kernelSize: Int
  /// The step between neighbouring windows, in pixels.
  public let stride: Int
  /// Pixels of (virtual) zero padding on each side.
  public let padding: Int

  /// The windows of `outputChannels` maps over `input`.
  ///
  /// - Parameters:
  ///   - input: height, width and channels of the input image.
  ///   - outputChannels: the number of output maps (each a full grid of units).
  ///   - kernelSize: the window side `k` ≥ 1.
  ///   - stride: the window step ≥ 1 (default 1).
  ///   - padding: zero padding on each side, `0 ≤ p < k` (default 0).
  /// - Throws: ``TopologyError/invalidParameter(_:)`` when the sizes give no
  ///   output unit or are out of range.
  public init(input: ImageShape, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0) throws {
    guard input.featureCount > 0 else { throw TopologyError.invalidParameter("the input image \(input) is empty") }
    guard outputChannels >= 1 else { throw TopologyError.invalidParameter("outputChannels must be at least 1, not \(outputChannels)") }
    guard kernelSize >= 1, stride >= 1 else {
      throw TopologyError.invalidParameter("kernel size (\(kernelSize)) and stride (\(stride)) must be at least 1")
    }
    guard padding >= 0 && padding < kernelSize else {
      throw TopologyError.invalidParameter("padding \(padding) must be in 0..<\(kernelSize) (the kernel size): a larger padding makes windows that see nothing")
    }
    let h = input.height + 2 * padding - kernelSize, w = input.width + 2 * padding - kernelSize
    guard h >= 0 && w >= 0 else {
      throw TopologyError.invalidParameter(
        "a \(kernelSize)×\(kernelSize) window does not fit a \(input.height)×\(input.width) image with padding \(padding); use a smaller kernel or more padding")
    }
    self.input = input
    self.output = ImageShape(height: h / stride + 1, width: w / stride + 1, channels: outputChannels)
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
  }

  /// Input features (pattern columns).
  public var inputSize: Int { input.featureCount }
  /// Output units (pattern rows).
  public var outputSize: Int { output.featureCount }

  /// The input rows and columns unit `row`'s window covers, clipped to the image.
  @inlinable
  public func window(ofOutput row: Int) -> (ys: Range<Int>, xs: Range<Int>) {
    let ox = row % output.width, oy = (row / output.width) % output.height
    let y0 = oy * stride - padding, x0 = ox * stride - padding
    return (max(0, y0)..<min(input.height, y0 + kernelSize), max(0, x0)..<min(input.width, x0 + kernelSize))
  }

  /// The number of input features unit `row` sees: window area × channels.
  @inlinable
  public func windowSize(ofOutput row: Int) -> Int {
    let (ys, xs) = window(ofOutput: row)
    return ys.count * xs.count * input.channels
  }

  /// The `index`-th input feature (in increasing order) of unit `row`'s window.
  @inlinable
  public func column(_ index: Int, ofOutput row: Int) -> Int {
    let (ys, xs) = window(ofOutput: row)
    let perChannel = ys.count * xs.count
    let c = index / perChannel, r = index % perChannel
    return input.featureIndex(channel: c, y: ys.lowerBound + r / xs.count, x: xs.lowerBound + r % xs.count)
  }

  /// Whether input feature `column` lies in unit `row`'s window.
  @inlinable
  public func contains(row: Int, column: Int) -> Bool {
    let (ys, xs) = window(ofOutput: row)
    let x = column % input.width, y = (column / input.width) % input.height
    return ys.contains(y) && xs.contains(x)
  }

  /// Total positions over all windows (the connections of ``pattern()``).
  public var windowPositionCount: Int {
    // Windows depend only on (oy, ox); every output map repeats them.
    var perMap = 0
    for row in 0..<(output.height * output.width) { perMap += windowSize(ofOutput: row) }
    return perMap * output.channels
  }

  /// The full local pattern: each unit connected to its whole window.
  public func pattern() -> SparsityPattern {
    build { _ in true }
  }

  /// A random local pattern: each window position kept independently with
  /// probability `density` (a sparse locally connected layer, which local
  /// evolution can then rewire inside the windows).
  public func pattern(density: Double, using rng: inout SeededGenerator) -> SparsityPattern {
    precondition((0...1).contains(density), "LocalWindows: density \(density) is not in [0, 1]")
    if density >= 1 { return pattern() }
    return build { _ in Double(rng.next() >> 11) * 0x1.0p-53 < density }
  }

  private func build(_ keep: (Int) -> Bool) -> SparsityPattern {
    var pointers = [Int32](repeating: 0, count: outputSize + 1)
    var columns: [Int32] = []
    columns.reserveCapacity(windowPositionCount)
    let plane = input.height * input.width
    for row in 0..<outputSize {
      let (ys, xs) = window(ofOutput: row)
      // Channel, then y, then x: increasing feature index, so rows come out sorted.
      for c in 0..<input.channels {
        for y in ys {
          let base = c * plane + y * input.width
          for x in xs where keep(base + x) { columns.append(Int32(base + x)) }
        }
      }
      pointers[row + 1] = Int32(columns.count)
    }
    return SparsityPattern(unchecked: outputSize, columns: inputSize, rowPointers: pointers, columnIndices: columns)
  }
}
