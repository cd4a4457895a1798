// Conv2D: the dense 2-D convolution, as im2col followed by one sgemm per batch.

/// A 2-D convolution (cross-correlation, as in every deep-learning library)
/// with `outputChannels` filters of `C × k × k` weights and one bias each:
///
///     y[o, oy, ox] = b[o] + Σ_{c, ky, kx} w[o, c, ky, kx] · x[c, oy·s + ky − padTop, ox·s + kx − padLeft]
///
/// **Layout (CHWN).** Activations are feature-major like everywhere in
/// Sprig: a batch is a ``Matrix`` of `features × B`, and a sample's
/// features are channel-first, `f = (c·H + y)·W + x` (``ImageShape``). So in
/// memory a batch is `C, H, W, N` with the batch innermost. The output uses
/// the same layout with `outputChannels` channels, so convolutions, pooling
/// and dense layers stack without any transpose.
///
/// **Computation.** Forward unfolds the batch into `cols`
/// (`C·k·k × OH·OW·B`, see `Im2Col`) and computes
/// `Y = W·cols + b` with one sgemm, where `W` is `outputChannels × C·k·k`:
/// the product's rows are output channels and its columns `(oy, ox, b)`,
/// which is exactly the feature-major output. Backward is its mirror:
/// `dW = dY·colsᵀ`, `db = Σ dY` over positions and samples,
/// `dcols = Wᵀ·dY`, folded back onto the input (col2im).
///
/// Memory: `cols` holds `C·k·k·OH·OW·B` floats (kept from forward to
/// backward), so evaluate with moderate batches (a few hundred samples).
public final class Conv2D: Layer {
  /// Where the windows land.
  public let geometry: WindowGeometry
  /// The number of filters (output channels).
  public let outputChannels: Int
  public var needsInputGradient = true
  /// The filters, `outputChannels × (C·k·k)` row-major: `w[o, c, ky, kx]`
  /// is element `((o·C + c)·k + ky)·k + kx`.
  public let weight: Parameter
  /// One bias per output channel.
  public let bias: Parameter

  // Buffers kept across batches: a training step allocates nothing.
  private var cols: [Float] = []
  private var columnGradient: [Float] = []
  private var ones: [Float] = []
  private var cachedBatch: Int?
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)

  public var inputSize: Int { geometry.input.featureCount }
  public var outputSize: Int { outputChannels * geometry.outputPixels }
  /// The shape of one output sample.
  public var outputShape: ImageShape {
    ImageShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: outputChannels)
  }
  public var parameters: [Parameter] { [weight, bias] }
  public var name: String {
    "Conv2D \(geometry.input)→\(outputShape) k\(geometry.kernelSize) s\(geometry.stride) \(geometry.padding.rawValue)"
  }

  /// Weights per filter, `C·k·k` (the fan-in).
  public var filterSize: Int { geometry.input.channels * geometry.kernelSize * geometry.kernelSize }

  /// A convolution with the given filters (`outputChannels × C·k·k`, row-major) and biases.
  public init(
    input: ImageShape, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .same,
    weights: [Float], bias: [Float]
  ) {
    precondition(outputChannels > 0, "Conv2D: outputChannels must be positive")
    geometry = WindowGeometry(input: input, kernelSize: kernelSize, stride: stride, padding: padding)
    self.outputChannels = outputChannels
    let fanIn = input.channels * kernelSize * kernelSize
    precondition(weights.count == outputChannels * fanIn, "Conv2D: \(weights.count) weights for \(outputChannels)×\(fanIn)")
    precondition(bias.count == outputChannels, "Conv2D: \(bias.count) biases for \(outputChannels) channels")
    self.weight = Parameter(name: "weight", value: weights, decays: true)
    self.bias = Parameter(name: "bias", value: bias, decays: false)
  }

  /// A convolution with weights drawn by `initialization` for the fan-in
  /// `C·k·k` (He by default, for ReLU networks) and zero biases.
  ///
  /// - Parameters:
  ///   - input: the shape of one input sample.
  ///   - outputChannels: the number of filters.
  ///   - kernelSize: the side `k` of the square window.
  ///   - stride: the step `s` between windows.
  ///   - padding: `.same` (output side `⌈n/s⌉`) or `.valid`.
  public convenience init(
    input: ImageShape, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .same,
    initialization: WeightInitialization = .heUniform, using rng: inout SeededGenerator
  ) {
    let fanIn = input.channels * kernelSize * kernelSize
    let fanOut = Double(outputChannels * kernelSize * kernelSize)
    let w = (0..<(outputChannels * fanIn)).map { _ in initialization.sample(fanIn: fanIn, fanOut: fanOut, using: &rng) }
    self.init(
      input: input, outputChannels: outputChannels, kernelSize: kernelSize, stride: stride, padding: padding,
      weights: w, bias: [Float](repeating: 0, count: outputChannels))
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features, expected \(inputSize)")
    let batch = x.columns
    let positions = geometry.outputPixels * batch  // columns of cols and of Y
    if cols.count != filterSize * positions { cols = [Float](repeating: 0, count: filterSize * positions) }
    x.elements.withUnsafeBufferPointer { px in
      cols.withUnsafeMutableBufferPointer { Im2Col.unfold(geometry, batch: batch, input: px, into: $0) }
    }
    output.reshape(rows: outputSize, columns: batch)
    output.elements.withUnsafeMutableBufferPointer { y in  // Y starts as the bias, then Y += W·cols
      bias.value.withUnsafeBufferPointer { b in
        for o in 0..<outputChannels { y[(o * positions)..<((o + 1) * positions)].update(repeating: b[o]) }
      }
    }
    BLAS.gemm(m: outputChannels, n: positions, k: filterSize, weight.value, cols, into: &output.elements, beta: 1)
    cachedBatch = training ? batch : nil
    return output
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard let batch = cachedBatch else { preconditionFailure("\(name): backward without a training forward") }
    precondition(dY.rows == outputSize && dY.columns == batch, "\(name): output gradient is \(dY.rows)×\(dY.columns)")
    cachedBatch = nil
    let positions = geometry.outputPixels * batch
    // dW = dY·colsᵀ  (outputChannels × C·k·k), summed over positions and samples by the product.
    BLAS.gemm(m: outputChannels, n: filterSize, k: positions, dY.elements, cols, transposeB: true, into: &weight.gradient)
    // db = dY·1: the sum over (oy, ox, b), as a matrix-vector product so it vectorises.
    if ones.count != positions { ones = [Float](repeating: 1, count: positions) }
    BLAS.gemm(m: outputChannels, n: 1, k: positions, dY.elements, ones, into: &bias.gradient)
    guard needsInputGradient else {
      inputGradient.reshape(rows: 0, columns: 0)
      return inputGradient
    }
    if columnGradient.count != cols.count { columnGradient = [Float](repeating: 0, count: cols.count) }
    // dcols = Wᵀ·dY  (C·k·k × OH·OW·B), then folded back onto the pixels.
    BLAS.gemm(
      m: filterSize, n: positions, k: outputChannels, weight.value, transposeA: true, dY.elements, into: &columnGradient)
    inputGradient.reshape(rows: inputSize, columns: batch)
    columnGradient.withUnsafeBufferPointer { dc in
      inputGradient.elements.withUnsafeMutableBufferPointer { Im2Col.fold(geometry, batch: batch, columns: dc, into: $0) }
    }
    return inputGradient
  }
}
