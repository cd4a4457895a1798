// SparseConv2D: a 2-D convolution whose filters are a sparse matrix, as im2col followed by Sprig's SpMM.

/// A 2-D convolution like ``Conv2D`` whose `outputChannels × C·k·k` filter
/// matrix is sparse (CSR): each filter keeps some of its `C·k·k` weights,
/// and evolution (SET, RigL) rewires which.
///
/// **Computation.** The filters are an inner ``SparseLinear``, ``kernel``
/// (`C·k·k` inputs, `outputChannels` outputs, its bias the per-channel
/// bias). The im2col columns (`C·k·k × OH·OW·B`, see `Im2Col`) are a
/// feature-major batch of `OH·OW·B` columns, and `kernel`'s output
/// `outputChannels × OH·OW·B` is, element for element, the CHWN output of
/// ``Conv2D``. So forward is `kernel.forward(cols)` and backward is
/// `kernel.backward(dY)` — `dW` on the pattern by one SDDMM (so SGD's
/// folded momentum, which that kernel advances, stays right), `db`, and
/// `dcols = Wᵀ·dY` — then col2im.
///
/// Memory: `cols` holds `C·k·k·OH·OW·B` floats from forward to backward, as
/// in ``Conv2D``.
public final class SparseConv2D: Layer, HasSparseLayers {
  /// Where the windows land.
  public let geometry: WindowGeometry
  /// The filters as a sparse matrix on the im2col rows: row `o` is filter
  /// `o`, column `(c·k + ky)·k + kx` its weight at channel `c`, offset `(ky, kx)`.
  public let kernel: SparseLinear
  public var needsInputGradient = true {
    didSet { kernel.needsInputGradient = needsInputGradient }
  }

  private let cols = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)
  private var cachedBatch: Int?

  /// The number of filters (output channels).
  public var outputChannels: Int { kernel.outputSize }
  public var inputSize: Int { geometry.input.featureCount }
  public var outputSize: Int { outputChannels * geometry.outputPixels }
  /// The shape of one output sample.
  public var outputShape: ImageShape {
    ImageShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: outputChannels)
  }
  /// Weights a dense filter would have, `C·k·k`.
  public var filterSize: Int { kernel.inputSize }
  public var parameters: [Parameter] { kernel.parameters }
  public var sparseLayers: [SparseLinear] { [kernel] }
  public var name: String {
    "SparseConv2D \(geometry.input)→\(outputShape) k\(geometry.kernelSize) s\(geometry.stride) \(geometry.padding.rawValue)"
  }

  /// A convolution applying `kernel` (`outputChannels × C·k·k`) to the windows.
  public init(input: ImageShape, kernelSize: Int, stride: Int = 1, padding: Padding = .same, kernel: SparseLinear) {
    geometry = WindowGeometry(input: input, kernelSize: kernelSize, stride: stride, padding: padding)
    let fanIn = input.channels * kernelSize * kernelSize
    precondition(kernel.inputSize == fanIn, "SparseConv2D: a kernel of \(kernel.inputSize) columns for \(fanIn) = C·k·k")
    precondition(kernel.outputSize > 0, "SparseConv2D: outputChannels must be positive")
    self.kernel = kernel
  }

  /// A convolution with filters on `pattern` (`outputChannels × C·k·k`),
  /// the given weights in CSR order, and one bias per filter.
  public convenience init(
    input: ImageShape, kernelSize: Int, stride: Int = 1, padding: Padding = .same, pattern: SparsityPattern,
    weights: [Float], bias: [Float]
  ) throws {
    self.init(
      input: input, kernelSize: kernelSize, stride: stride, padding: padding,
      kernel: try SparseLinear(pattern: pattern, weights: weights, bias: bias))
  }

  /// A convolution with filters on `pattern`, weights drawn by
  /// `initialization` for each filter's actual fan-in (its connections),
  /// and zero biases.
  public convenience init(
    input: ImageShape, kernelSize: Int, stride: Int = 1, padding: Padding = .same, pattern: SparsityPattern,
    initialization: WeightInitialization = .heUniform, using rng: inout SeededGenerator
  ) {
    self.init(
      input: input, kernelSize: kernelSize, stride: stride, padding: padding,
      kernel: SparseLinear(pattern: pattern, initialization: initialization, using: &rng))
  }

  /// A convolution whose filters each keep every one of their `C·k·k`
  /// weights with probability `density` (Erdős–Rényi), drawn as
  /// ``init(input:kernelSize:stride:padding:pattern:initialization:using:)``.
  public convenience init(
    input: ImageShape, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .same,
    density: Double, initialization: WeightInitialization = .heUniform, using rng: inout SeededGenerator
  ) {
    let pattern = ErdosRenyiTopology.pattern(
      inputSize: input.channels * kernelSize * kernelSize, outputSize: outputChannels, density: density, using: &rng)
    self.init(
      input: input, kernelSize: kernelSize, stride: stride, padding: padding, pattern: pattern,
      initialization: initialization, using: &rng)
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features, expected \(inputSize)")
    let batch = x.columns
    cols.reshape(rows: filterSize, columns: geometry.outputPixels * batch)
    x.elements.withUnsafeBufferPointer { px in
      cols.elements.withUnsafeMutableBufferPointer { Im2Col.unfold(geometry, batch: batch, input: px, into: $0) }
    }
    // The kernel keeps `cols` for its backward; its output, viewed per
    // sample, is the CHWN output (the kernel reshapes it back on its next call).
    let y = kernel.forward(cols, training: training)
    y.reshape(rows: outputSize, columns: batch)
    cachedBatch = training ? batch : nil
    return y
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard let batch = cachedBatch else { preconditionFailure("\(name): backward without a training forward") }
    precondition(dY.rows == outputSize && dY.columns == batch, "\(name): output gradient is \(dY.rows)×\(dY.columns)")
    cachedBatch = nil
    // dY as the kernel's output gradient (the same elements, shared, not copied).
    let dYColumns = Matrix(rows: outputChannels, columns: geometry.outputPixels * batch, elements: dY.elements)
    let dCols = kernel.backward(dYColumns)  // dW on the pattern, db, and dcols = Wᵀ·dY when needed
    guard needsInputGradient else {
      inputGradient.reshape(rows: 0, columns: 0)
      return inputGradient
    }
    inputGradient.reshape(rows: inputSize, columns: batch)
    dCols.elements.withUnsafeBufferPointer { dc in
      inputGradient.elements.withUnsafeMutableBufferPointer { Im2Col.fold(geometry, batch: batch, columns: dc, into: $0) }
    }
    return inputGradient
  }
}
