// MemoryEstimate: what training a described model will hold in memory, known before anything is allocated.
import Foundation

/// The memory a model description needs to train, layer by layer, worked
/// out from the description alone — no pattern is drawn, no weight
/// allocated — so a model too large for the machine is refused in
/// milliseconds instead of being ended by the kernel's OOM killer.
///
/// Counted, per layer:
/// - **parameters**: a sparse connection's value, column index, gradient,
///   optimizer state (SGD with momentum 1 value, Adam 2) and its place in the
///   kept transpose Wᵀ (row index and position): 4·(5 + states) bytes, plus
///   row pointers and biases; a dense weight's value, gradient and state;
/// - **activations**: each layer's output at the larger of the training and
///   evaluation batch and its input gradient at the training batch, plus a
///   convolution's unfolded patches and a recurrent layer's per-step caches.
///
/// - **checkpoint**: the resume state is serialized in memory before it is
///   written (values, optimizer state and column indices once more).
///
/// Not counted: the data (already loaded when `sprig train` checks, so the
/// available memory it compares with excludes it), short-lived buffers of a
/// rewire, and the BLAS library's own work buffers. Measured against peak
/// RSS less that of a 10-unit model on the same data (docs/reliability.md):
/// 19–21 % above it for wide sparse and dense MLPs (784-100k-10 ε=20,
/// 784-100k-100k-10 ε=5, dense 3×3000). The estimate of an ER layer is its
/// expected connection count; a drawn pattern differs by well under 1 %.
public struct MemoryEstimate: Sendable, Equatable, CustomStringConvertible {
  /// One layer's share.
  public struct LayerShare: Sendable, Equatable {
    public var index: Int
    public var type: LayerType
    public var inputs: Int
    public var outputs: Int
    /// Connections in sparse matrices (0 for dense layers).
    public var connections: Int
    /// Trainable values (sparse connections, dense weights, biases).
    public var parameters: Int
    public var parameterBytes: Int
    public var activationBytes: Int
    public var checkpointBytes: Int
  }

  public private(set) var layers: [LayerShare] = []
  public let batchSize: Int
  /// The evaluation batch the Trainer will use (the option, capped for wide layers).
  public private(set) var evaluationBatchSize = 1
  /// Optimizer values kept per parameter (momentum, Adam's two moments).
  public let optimizerStates: Int

  public var parameterBytes: Int { Self.sum(layers.map(\.parameterBytes)) }
  public var activationBytes: Int { Self.sum(layers.map(\.activationBytes)) }
  /// The resume state built in memory before each epoch's write: values,
  /// optimizer state and sparse column indices, once more.
  public var checkpointBytes: Int { Self.sum(layers.map(\.checkpointBytes)) }
  public var totalBytes: Int { Self.sum([parameterBytes, activationBytes, checkpointBytes]) }

  /// Sums that stop at Int.max / 2 (an absurd description is refused, not trapped on).
  private static func sum(_ values: [Int]) -> Int {
    values.reduce(0) { a, b in
      let (s, overflow) = a.addingReportingOverflow(b)
      return overflow ? Int.max / 2 : min(s, Int.max / 2)
    }
  }
  public var connections: Int { Self.sum(layers.map(\.connections)) }
  /// Bytes per sparse connection for weights, indices, gradient, state and Wᵀ.
  public var bytesPerConnection: Int { 4 * (5 + optimizerStates) }

  /// The estimate for training `description` with `options` (default: the
  /// description's own `training` block, else Sprig's defaults).
  /// - Throws: ``ModelDescriptionError`` where a layer's shape cannot be
  ///   worked out (the same checks as building it, for the sizes).
  public init(description: ModelDescription, options: TrainingOptions? = nil, source: String = "model description") throws {
    let o = options ?? description.training ?? TrainingOptions()
    batchSize = max(o.batchSize, 1)
    switch o.optimizer {
    case .sgd: optimizerStates = o.momentum == 0 ? 0 : 1
    case .adam: optimizerStates = 2
    }
    // The builder's own input checks first: a negative or overflowing input is a description error here too.
    try ModelBuilder.checkInput(description.input, source: source)
    var shape = FeatureShape(description.input)
    var perSample: [Double] = []
    for (index, layer) in description.layers.enumerated() {
      let (share, floats) = try self.share(of: layer, index: index, after: &shape, source: source)
      layers.append(share)
      perSample.append(floats)
    }
    // As the Trainer evaluates: batches capped so the widest layer's output stays near 64 Mi floats.
    evaluationBatchSize = Trainer.evaluationBatchSize(o, widest: layers.map(\.outputs).max() ?? 1)
    for k in layers.indices {
      // A ReLU after a sparse layer rectifies that layer's output in place (Sequential.forward).
      let sharesOutput = k > 0 && layers[k - 1].type == .sparseLinear && description.layers[k].activation == .relu
      let outputs = sharesOutput ? 0 : Double(layers[k].outputs)
      let bytes = 4 * (outputs * Double(max(evaluationBatchSize, batchSize)) + perSample[k] * Double(batchSize))
      layers[k].activationBytes = Self.bytes(bytes)
    }
  }

  /// One layer's parameters and the floats per training sample it keeps
  /// beside its output (input gradient, masks, patches, step caches);
  /// moves `shape` past the layer.
  private func share(
    of d: LayerDescription, index: Int, after shape: inout FeatureShape, source: String
  ) throws -> (LayerShare, Double) {
    func fail(_ field: String?, _ message: String) -> ModelDescriptionError {
      ModelDescriptionError(source: source, layer: index, type: d.type, field: field, message: message)
    }
    // Window sizes as the builder allows them; a layer's width may be far
    // beyond what it builds, so that a model too large for memory hears how
    // large (its arithmetic is in Double, bounded by `largestCount`).
    func positive(_ value: Int?, _ field: String, limit: Int = ModelBuilder.maximumSize) throws -> Int {
      guard let v = value else { throw fail(field, "is missing") }
      guard v > 0 else { throw fail(field, "must be positive, got \(v)") }
      guard v <= limit else { throw fail(field, "is \(v), more than the \(limit) Sprig builds") }
      return v
    }
    func count(_ value: Double, _ what: String) throws -> Int {
      guard value <= Double(Self.largestCount) else { throw fail(nil, "gives \(what) of about \(value), more than Sprig builds") }
      return Int(value)
    }
    func units() throws -> Int { try positive(d.units, "units", limit: Self.largestCount) }
    func image() throws -> ImageShape {
      guard case .image(let s) = shape else { throw fail(nil, "expects an image input, gets \(shape.phrase)") }
      return s
    }
    let n = shape.count
    var connections = 0.0, dense = 0.0, biases = 0.0, extra = 0.0  // extra: per-sample floats beyond output and input gradient
    switch d.type {
    case .sparseLinear, .rbm:
      let m = try units()
      connections = try expectedConnections(d.topology, inputs: n, outputs: m, fail: fail)
      biases = Double(m) + (d.type == .rbm ? Double(n) : 0)
      shape = .features(m)
    case .linear:
      let m = try units()
      (dense, biases) = (Double(n) * Double(m), Double(m))
      shape = .features(m)
    case .activation, .dropout:
      extra = d.type == .dropout ? Double(n) : 0  // the mask
    case .gaussianSample:
      shape = .features(try units())
      extra = Double(shape.count)  // the drawn noise
    case .flatten:
      shape = .features(n)
    case .conv2d, .sparseConv2d, .maxPool2d, .avgPool2d, .l2Pool2d, .locallyConnected2d:
      let input = try image()
      let isPool = [.maxPool2d, .avgPool2d, .l2Pool2d].contains(d.type)
      let kernel = try positive(isPool ? (d.size ?? 2) : d.kernel, isPool ? "size" : "kernel")
      let stride = try positive(d.stride ?? (isPool ? kernel : 1), "stride")
      let channels = isPool ? input.channels : try positive(d.filters, "filters")
      let patch = Double(input.channels) * Double(kernel) * Double(kernel)
      let pixels: Int
      if d.type == .locallyConnected2d {
        let pad = d.paddingPixels ?? 0
        guard (0...ModelBuilder.maximumSize).contains(pad) else {
          throw fail("padding_pixels", "must be in 0...\(ModelBuilder.maximumSize), got \(pad)")
        }
        let (h, w) = ((input.height + 2 * pad - kernel) / stride + 1, (input.width + 2 * pad - kernel) / stride + 1)
        guard h > 0, w > 0 else { throw fail("kernel", "\(kernel) leaves no output pixels of \(input)") }
        pixels = try count(Double(h) * Double(w), "output pixels")
        let outputs = try count(Double(pixels) * Double(channels), "outputs")
        connections = Double(outputs) * patch * min(max(d.density ?? 1, 0), 1)
        biases = Double(outputs)
        shape = .image(ImageShape(height: h, width: w, channels: channels))
      } else {
        let padding = d.padding ?? (isPool ? .valid : .same)
        // As the builder refuses it (WindowGeometry would trap): a valid window larger than the image.
        guard padding == .same || kernel <= min(input.height, input.width) else {
          throw fail(isPool ? "size" : "kernel", "\(kernel) is larger than the \(input.height)×\(input.width) input")
        }
        let geometry = WindowGeometry(input: input, kernelSize: kernel, stride: stride, padding: padding)
        guard geometry.outputPixels > 0 else { throw fail("kernel", "\(kernel) leaves no output pixels of \(input)") }
        pixels = geometry.outputPixels
        _ = try count(Double(pixels) * Double(channels), "outputs")
        if d.type == .conv2d { dense = patch * Double(channels) }
        if d.type == .sparseConv2d {
          connections = try expectedConnections(d.topology, inputs: try count(patch, "kernel inputs"), outputs: channels, fail: fail)
        }
        if !isPool {
          biases = Double(channels)
          extra = patch * Double(pixels)  // the unfolded patches (im2col)
        }
        shape = .image(ImageShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: channels))
      }
    case .rnn, .lstm, .gru:
      let units = try units()
      let steps = try positive(d.steps, "steps")
      guard n % steps == 0 else { throw fail("steps", "\(steps) does not divide the \(n) input features into equal steps") }
      let perStep = n / steps
      let gates = d.type == .lstm ? 4 : d.type == .gru ? 3 : 1
      let weights = Double(gates * units) * Double(perStep + units)
      if d.topology == nil || d.type == .rnn {
        dense = weights
      } else {
        let possible = Double(perStep + units) * Double(gates * units)
        connections = try expectedConnections(d.topology, inputs: perStep + units, outputs: gates * units, fail: fail)
        connections = min(connections, possible)
      }
      biases = Double(gates * units)
      // Every step's gates, states and inputs are kept for backward through time.
      extra = Double(steps) * Double(gates * units + 2 * units + perStep)
      shape = .features((d.returnSequence ?? false) ? try count(Double(steps) * Double(units), "outputs") : units)
    }
    let states = Double(optimizerStates)
    let parameterBytes =
      connections * Double(bytesPerConnection) + Double(shape.count + n + 2) * 4 * (connections > 0 ? 1 : 0)
      + (dense + biases) * 4 * (2 + states)
    let share = LayerShare(
      index: index, type: d.type, inputs: n, outputs: shape.count, connections: Self.bytes(connections),
      parameters: Self.bytes(connections + dense + biases), parameterBytes: Self.bytes(parameterBytes),
      activationBytes: 0, checkpointBytes: Self.bytes(connections * (8 + 4 * states) + (dense + biases) * 4 * (1 + states)))
    return (share, Double(n) + extra)
  }

  /// The widest layer (and any count) an estimate works out: 2^40, far past
  /// what the builder builds (2^24 a side), and small enough that sums and
  /// products of two stay exact in Int.
  static let largestCount = 1 << 40

  /// Doubles past `Int.max` (a description asking for 10²⁰ connections)
  /// stay representable: they are refused anyway.
  private static func bytes(_ value: Double) -> Int {
    guard value.isFinite, value > 0 else { return value > 0 ? Int.max / 2 : 0 }
    return value >= Double(Int.max / 2) ? Int.max / 2 : Int(value.rounded())
  }

  /// The connections a topology is expected to draw in an `inputs → outputs` matrix.
  private func expectedConnections(
    _ topology: TopologyDescription?, inputs n: Int, outputs m: Int, fail: (String?, String) -> ModelDescriptionError
  ) throws -> Double {
    guard let topology else { throw fail("topology", "is missing") }
    let possible = Double(n) * Double(m)
    if let density = topology.density { return min(max(density, 0), 1) * possible }
    if let epsilon = topology.epsilon {
      return ErdosRenyiTopology.density(epsilon: epsilon, inputSize: n, outputSize: m) * possible
    }
    if topology.kind == .file, let path = topology.path {
      return Double(try MatrixMarket.read(contentsOf: URL(fileURLWithPath: path)).pattern.nonzeroCount)
    }
    throw fail("topology.epsilon", "is missing")
  }

  /// Throws unless the estimate fits under `limit` and the machine's available memory.
  public func check(limit: MemoryLimit = .available) throws {
    guard limit != .unchecked else { return }
    let machine = MachineMemory.available()
    var allowed = machine.bytes
    if case .bytes(let cap) = limit { allowed = min(allowed, cap) }
    guard totalBytes > allowed else { return }
    throw MemoryEstimateError.insufficientMemory(estimate: self, available: machine, limit: limit)
  }

  public var description: String {
    var lines = [
      "memory estimate at batch \(batchSize) (evaluation batch \(evaluationBatchSize)), \(bytesPerConnection) B per sparse connection"
    ]
    for l in layers where l.parameterBytes + l.activationBytes + l.checkpointBytes > 0 {
      let what = l.connections > 0 ? "\(l.connections) connections" : "\(l.parameters) parameters"
      lines.append(
        "  \(l.index) \(l.type.rawValue) \(l.inputs)→\(l.outputs): \(what), \(ByteCount.phrase(l.parameterBytes)) parameters and state, \(ByteCount.phrase(l.activationBytes)) activations")
    }
    lines.append("parameters, indices, gradients and optimizer state: \(ByteCount.phrase(parameterBytes))")
    lines.append("activations: \(ByteCount.phrase(activationBytes))")
    lines.append("checkpoint serialization: \(ByteCount.phrase(checkpointBytes))")
    lines.append("total: \(ByteCount.phrase(totalBytes))")
    return lines.joined(separator: "\n")
  }
}

/// How much memory a model may take.
public enum MemoryLimit: Sendable, Equatable {
  /// What the machine has available now (MemAvailable, within the cgroup's limit).
  case available
  /// At most this many bytes (and never more than is available).
  case bytes(Int)
  /// No check.
  case unchecked
}

/// A model refused before it was allocated.
public enum MemoryEstimateError: Error, CustomStringConvertible, LocalizedError {
  case insufficientMemory(estimate: MemoryEstimate, available: MachineMemory, limit: MemoryLimit)

  public var description: String {
    switch self {
    case .insufficientMemory(let estimate, let available, let limit):
      let cap: String
      if case .bytes(let bytes) = limit, bytes < available.bytes {
        cap = "the --memory-limit of \(ByteCount.phrase(bytes)) (the machine has \(ByteCount.phrase(available.bytes)) available: \(available.source))"
      } else {
        cap = "the \(ByteCount.phrase(available.bytes)) available (\(available.source))"
      }
      // Name a layer with weights: an activation's size is its layer's.
      let biggest = estimate.layers.filter { $0.parameters > 0 }.max {
        $0.parameterBytes + $0.activationBytes < $1.parameterBytes + $1.activationBytes
      }
      let culprit = biggest.map { " Most of it is layer \($0.index) (\($0.type.rawValue) \($0.inputs)→\($0.outputs))." } ?? ""
      return "This model needs about \(ByteCount.phrase(estimate.totalBytes)) to train (\(ByteCount.phrase(estimate.parameterBytes)) for \(estimate.connections) sparse connections and the other parameters with their gradients and optimizer state, \(ByteCount.phrase(estimate.activationBytes)) for activations at batch \(estimate.batchSize), evaluation batch \(estimate.evaluationBatchSize)), more than \(cap).\(culprit) Make the layers narrower or sparser (--hidden, --epsilon), lower --batch-size or --evaluation-batch-size, or train over several machines (docs/distributed.md). `sprig train … --estimate` prints the estimate per layer."
    }
  }

  public var errorDescription: String? { description }
}
