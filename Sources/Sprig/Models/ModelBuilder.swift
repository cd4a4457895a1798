// ModelBuilder: from a ModelDescription to layers, checking that each fits the one before.
import Foundation

extension Sequential {
  /// Builds the model `description` describes; `seed` draws every pattern,
  /// weight and dropout stream (the same seed gives the same model).
  ///
  /// Layers are built in order from one generator, drawing exactly what
  /// ``MLPConfiguration/makeModel(seed:)`` always drew, so an MLP's
  /// description builds the same bytes as before descriptions existed.
  ///
  /// - Throws: ``ModelDescriptionError`` naming the layer and field when a
  ///   field is missing or out of range or a layer does not fit its input
  ///   ("layer 3 conv2d: expects an image input, gets 784 features"), and
  ///   topology errors of pattern files; ``MemoryEstimateError`` when the
  ///   ``MemoryEstimate`` of training it (at the description's batch size)
  ///   exceeds `memoryLimit` or the machine's available memory — checked
  ///   before anything is allocated.
  public convenience init(
    description: ModelDescription, seed: UInt64, source: String = "model description", memoryLimit: MemoryLimit = .available
  ) throws {
    if memoryLimit != .unchecked {
      try MemoryEstimate(description: description, source: source).check(limit: memoryLimit)
    }
    var rng = SeededGenerator(seed: seed)
    try ModelBuilder.checkInput(description.input, source: source)
    var builder = ModelBuilder(source: source, shape: .init(description.input))
    var layers: [Layer] = []
    var zetas: [ObjectIdentifier: Double] = [:]
    for (index, layer) in description.layers.enumerated() {
      let built = try builder.build(layer, index: index, using: &rng)
      if let zeta = layer.zeta {
        let matrices = (built as? HasSparseLayers)?.sparseLayers ?? []
        guard !matrices.isEmpty else {
          throw ModelDescriptionError(source: source, layer: index, type: layer.type, field: "zeta", message: "is set, but this layer has no sparse connections to rewire")
        }
        guard (0...1).contains(zeta) else {
          throw ModelDescriptionError(source: source, layer: index, type: layer.type, field: "zeta", message: "must be in [0, 1], got \(zeta)")
        }
        for m in matrices { zetas[ObjectIdentifier(m)] = zeta }
      }
      layers.append(built)
    }
    guard !layers.isEmpty else { throw ModelDescriptionError(source: source, path: "layers", message: "is empty") }
    self.init(layers)
    storedDescription = description
    localWindows = builder.localWindows
    zetaOverrides = zetas
  }
}

/// The shape between two layers.
enum FeatureShape: Equatable {
  case features(Int)
  case image(ImageShape)

  init(_ input: InputDescription) {
    if let image = input.image { self = .image(image) } else { self = .features(input.features) }
  }

  var count: Int {
    switch self {
    case .features(let n): return n
    case .image(let s): return s.featureCount
    }
  }

  var phrase: String {
    switch self {
    case .features(let n): return "\(n) features"
    case .image(let s): return "a \(s.channels)×\(s.height)×\(s.width) image"
    }
  }
}

/// Builds one layer after another, tracking the shape between them.
struct ModelBuilder {
  let source: String
  var shape: FeatureShape
  /// The windows of the locally connected layers built so far.
  var localWindows: [(layer: SparseLinear, windows: LocalWindows)] = []

  mutating func build(_ d: LayerDescription, index: Int, using rng: inout SeededGenerator) throws -> Layer {
    func fail(_ field: String?, _ message: String) -> ModelDescriptionError {
      ModelDescriptionError(source: source, layer: index, type: d.type, field: field, message: message)
    }
    func required<T>(_ value: T?, _ field: String) throws -> T {
      guard let value else { throw fail(field, "is missing") }
      return value
    }
    func positive(_ value: Int?, _ field: String) throws -> Int {
      let v = try required(value, field)
      guard v > 0 else { throw fail(field, "must be positive, got \(v)") }
      return v
    }
    func image() throws -> ImageShape {
      guard case .image(let s) = shape else {
        throw fail(nil, "expects an image input, gets \(shape.phrase) (give the model an image input, or drop the flatten before)")
      }
      return s
    }
    let n = shape.count
    try checkSizes(d, inputs: n, fail: fail)
    let initialization = d.initialization ?? .heUniform
    let layer: Layer
    switch d.type {
    case .sparseLinear:
      let units = try positive(d.units, "units")
      let topology = try required(d.topology, "topology")
      let pattern = try Self.pattern(topology, inputs: n, outputs: units, fail: fail, using: &rng)
      layer = SparseLinear(pattern: pattern, initialization: initialization, using: &rng)
      shape = .features(units)
    case .linear:
      let units = try positive(d.units, "units")
      layer = Linear(inputSize: n, outputSize: units, initialization: initialization, using: &rng)
      shape = .features(units)
    case .activation:
      let kind = try required(d.activation, "activation")
      if let slope = d.slope {
        guard kind == .leakyReLU else { throw fail("slope", "is a leaky-relu setting; this activation is \(kind.rawValue)") }
        guard slope.isFinite, slope >= 0, slope < 1 else { throw fail("slope", "must be in [0, 1), got \(slope)") }
        layer = LeakyReLU(size: n, slope: slope)
      } else {
        layer = kind.makeLayer(size: n)
      }
    case .dropout:
      let rate = try required(d.rate, "rate")
      guard (0..<1).contains(rate) else { throw fail("rate", "must be in [0, 1), got \(rate)") }
      layer = Dropout(size: n, rate: rate, seed: rng.next())
    case .conv2d:
      let input = try image()
      let filters = try positive(d.filters, "filters")
      let kernel = try positive(d.kernel, "kernel")
      let stride = try positive(d.stride ?? 1, "stride")
      guard d.padding != .valid || kernel <= min(input.height, input.width) else {
        throw fail("kernel", "\(kernel) is larger than the \(input.height)×\(input.width) input (padding valid)")
      }
      let conv = Conv2D(
        input: input, outputChannels: filters, kernelSize: kernel, stride: stride, padding: d.padding ?? .same,
        initialization: initialization, using: &rng)
      guard conv.outputShape.featureCount > 0 else { throw fail("kernel", "\(kernel) leaves no output pixels of \(input)") }
      layer = conv
      shape = .image(conv.outputShape)
    case .sparseConv2d:
      let input = try image()
      let filters = try positive(d.filters, "filters")
      let kernel = try positive(d.kernel, "kernel")
      let stride = try positive(d.stride ?? 1, "stride")
      guard d.padding != .valid || kernel <= min(input.height, input.width) else {
        throw fail("kernel", "\(kernel) is larger than the \(input.height)×\(input.width) input (padding valid)")
      }
      let topology = try required(d.topology, "topology")
      let pattern = try Self.pattern(
        topology, inputs: input.channels * kernel * kernel, outputs: filters, fail: fail, using: &rng)
      let conv = SparseConv2D(
        input: input, kernelSize: kernel, stride: stride, padding: d.padding ?? .same, pattern: pattern,
        initialization: initialization, using: &rng)
      guard conv.outputShape.featureCount > 0 else { throw fail("kernel", "\(kernel) leaves no output pixels of \(input)") }
      layer = conv
      shape = .image(conv.outputShape)
    case .maxPool2d, .avgPool2d, .l2Pool2d:
      let input = try image()
      let size = try positive(d.size ?? 2, "size")
      let stride = try positive(d.stride ?? size, "stride")
      guard size <= input.height && size <= input.width || d.padding == .same else {
        throw fail("size", "\(size) is larger than the \(input.height)×\(input.width) input")
      }
      let pool: PoolingLayer
      switch d.type {
      case .maxPool2d: pool = MaxPool2D(input: input, size: size, stride: stride, padding: d.padding ?? .valid)
      case .avgPool2d: pool = AvgPool2D(input: input, size: size, stride: stride, padding: d.padding ?? .valid)
      default: pool = L2Pool2D(input: input, size: size, stride: stride, padding: d.padding ?? .valid)
      }
      layer = pool
      shape = .image(pool.outputShape)
    case .rbm:
      let units = try positive(d.units, "units")
      let topology = try required(d.topology, "topology")
      let pattern = try Self.pattern(topology, inputs: n, outputs: units, fail: fail, using: &rng)
      // Small random weights and zero biases (Hinton's practical guide:
      // N(0, 0.01²)), unless the description names an initialization.
      var w = [Float](repeating: 0, count: pattern.nonzeroCount)
      if let chosen = d.initialization {
        for i in 0..<pattern.rows {
          let fanIn = pattern.columns(ofRow: i).count
          for k in Int(pattern.rowPointers[i])..<Int(pattern.rowPointers[i + 1]) {
            w[k] = chosen.sample(fanIn: fanIn, fanOut: Double(units), using: &rng)
          }
        }
      } else {
        for k in w.indices { w[k] = 0.01 * rng.nextNormal() }
      }
      let weights = try SparseLinear(pattern: pattern, weights: w, bias: [Float](repeating: 0, count: units))
      layer = RestrictedBoltzmannMachine(
        weights: weights, visibleBias: [Float](repeating: 0, count: n), visibleUnits: d.visible ?? .bernoulli)
      shape = .features(units)
    case .gaussianSample:
      let latent = try positive(d.units, "units")
      guard n == 2 * latent else {
        throw fail("units", "\(latent) latent dimensions need 2·\(latent) = \(2 * latent) inputs (means, then log-variances); the layer before gives \(n)")
      }
      layer = GaussianSample(latent: latent, seed: rng.next())
      shape = .features(latent)
    case .flatten:
      layer = Flatten(shape: try image())
      shape = .features(n)
    case .locallyConnected2d:
      let input = try image()
      let windows: LocalWindows
      do {
        windows = try LocalWindows(
          input: input, outputChannels: try positive(d.filters, "filters"), kernelSize: try positive(d.kernel, "kernel"),
          stride: try positive(d.stride ?? 1, "stride"), padding: d.paddingPixels ?? 0)
      } catch let error as TopologyError {
        throw fail(nil, "\(error)")
      }
      let density = d.density ?? 1
      guard density > 0 && density <= 1 else { throw fail("density", "must be in (0, 1], got \(density)") }
      let local = LocallyConnected2D.make(windows: windows, density: density, initialization: initialization, using: &rng)
      localWindows.append((local, windows))
      layer = local
      shape = .image(windows.output)
    case .rnn, .lstm, .gru:
      let units = try positive(d.units, "units")
      let steps = try positive(d.steps, "steps")
      guard n % steps == 0 else {
        throw fail("steps", "\(steps) does not divide the \(n) input features into equal steps")
      }
      let perStep = n / steps
      let cell: RecurrentCell
      // Sparse gates start Glorot-scaled to each row's fan-in (sigmoid and tanh units).
      let gateInitialization = d.initialization ?? .glorotUniform
      switch (d.type, d.topology) {
      case (.rnn, nil): cell = RNNCell(inputSize: perStep, hiddenSize: units, using: &rng)
      case (.rnn, _): throw fail("topology", "sparse cells are lstm and gru; leave topology out of an rnn")
      case (.lstm, nil): cell = LSTMCell(inputSize: perStep, hiddenSize: units, using: &rng)
      case (.lstm, let topology?):
        let pattern = try Self.pattern(topology, inputs: perStep + units, outputs: 4 * units, fail: fail, using: &rng)
        cell = SparseLSTMCell(inputSize: perStep, pattern: pattern, initialization: gateInitialization, using: &rng)
      case (_, nil): cell = GRUCell(inputSize: perStep, hiddenSize: units, using: &rng)
      case (_, let topology?):
        let inputPattern = try Self.pattern(topology, inputs: perStep, outputs: 3 * units, fail: fail, using: &rng)
        let hiddenPattern = try Self.pattern(topology, inputs: units, outputs: 3 * units, fail: fail, using: &rng)
        cell = SparseGRUCell(
          inputPattern: inputPattern, hiddenPattern: hiddenPattern, initialization: gateInitialization, using: &rng)
      }
      let returnsSequence = d.returnSequence ?? false
      layer = Recurrent(cell: cell, steps: steps, returnsSequence: returnsSequence)
      shape = .features(layer.outputSize)
    }
    return layer
  }

  /// The largest size field (units, filters, kernel, …) and input a description may give.
  static let maximumSize = 1 << 24
  /// The most weights one layer may have: Int32 CSR indices cannot address
  /// more, and 2^31 floats are already 8 GB.
  static let maximumWeights = 1 << 31

  /// A description comes from a file, so its input must be a real shape
  /// before any size is computed from it.
  static func checkInput(_ input: InputDescription, source: String) throws {
    func fail(_ message: String) -> ModelDescriptionError {
      ModelDescriptionError(source: source, path: "input", message: message)
    }
    if let image = input.image {
      let sides = [image.height, image.width, image.channels]
      guard sides.allSatisfy({ $0 > 0 && $0 <= maximumSize }) else {
        throw fail("image \(image.channels)×\(image.height)×\(image.width) needs positive sizes of at most \(maximumSize)")
      }
      let (pixels, overflow) = (image.height * image.width).multipliedReportingOverflow(by: image.channels)
      guard !overflow, pixels <= maximumSize else {
        throw fail("image \(image.channels)×\(image.height)×\(image.width) has more than \(maximumSize) features")
      }
    } else {
      guard input.features > 0, input.features <= maximumSize else {
        throw fail("features must be in 1...\(maximumSize), got \(input.features)")
      }
    }
  }

  /// Refuses sizes that would overflow or ask for an impossible allocation,
  /// before the layer is built: a hand-edited or damaged description must
  /// fail with a message, not trap or exhaust memory.
  func checkSizes(_ d: LayerDescription, inputs n: Int, fail: (String?, String) -> ModelDescriptionError) throws {
    let fields = [
      ("units", d.units), ("filters", d.filters), ("kernel", d.kernel), ("stride", d.stride), ("size", d.size),
      ("steps", d.steps), ("padding_pixels", d.paddingPixels),
    ]
    for case let (field, value?) in fields where value > Self.maximumSize {
      throw fail(field, "is \(value), more than the \(Self.maximumSize) Sprig builds")
    }
    guard n <= Self.maximumSize else { throw fail(nil, "gets \(n) inputs, more than the \(Self.maximumSize) Sprig builds") }
    // Weights of the layer's largest matrix (units × inputs; filters ×
    // channels × kernel²; 4 gates of an LSTM), in Double because the
    // product of 2^24-sized factors can overflow Int.
    var estimate = Double(d.units ?? 0) * Double(n)
    // A sparse layer holds only its connections: ε(n+m) of them, or its
    // density's share (a file's count is known only once it is read). A
    // 784 → 10M layer at ε = 2 has 20 M, not 7.8 G.
    if d.type == .sparseLinear, let topology = d.topology, topology.kind != .file {
      let m = Double(d.units ?? 0)
      if let density = topology.density {
        estimate *= min(max(density, 0), 1)
      } else if let epsilon = topology.epsilon {
        estimate = min(estimate, max(epsilon, 0) * (Double(n) + m))
      }
    }
    if case .image(let s) = shape, d.filters != nil {
      estimate = max(estimate, Double(d.filters ?? 0) * Double(s.channels) * Double(d.kernel ?? 0) * Double(d.kernel ?? 0))
    }
    if [.rnn, .lstm, .gru].contains(d.type) { estimate = 4 * Double(d.units ?? 0) * (Double(n) + Double(d.units ?? 0)) }
    guard estimate <= Double(Self.maximumWeights) else {
      throw fail(nil, "would have about \(estimate) weights, more than the \(Self.maximumWeights) one layer may have; check its sizes")
    }
  }

  /// The starting pattern of a sparse `inputs → outputs` layer.
  static func pattern(
    _ topology: TopologyDescription, inputs n: Int, outputs m: Int,
    fail: (String?, String) -> ModelDescriptionError, using rng: inout SeededGenerator
  ) throws -> SparsityPattern {
    func epsilon() throws -> Double {
      guard let eps = topology.epsilon else { throw fail("topology.epsilon", "is missing") }
      guard eps > 0 else { throw fail("topology.epsilon", "must be positive, got \(eps)") }
      return eps
    }
    switch topology.kind {
    case .er:
      if let density = topology.density {
        guard density > 0 && density <= 1 else { throw fail("topology.density", "must be in (0, 1], got \(density)") }
        return ErdosRenyiTopology.pattern(inputSize: n, outputSize: m, density: density, using: &rng)
      }
      let eps = try epsilon()
      guard ErdosRenyiTopology.density(epsilon: eps, inputSize: n, outputSize: m) <= 1 else {
        throw fail("topology.epsilon", "\(eps) asks for more connections than a dense \(n)→\(m) layer has: use a linear layer")
      }
      return ErdosRenyiTopology.pattern(inputSize: n, outputSize: m, epsilon: eps, using: &rng)
    case .smallWorld:
      return SmallWorldTopology.pattern(
        inputSize: n, outputSize: m, epsilon: try epsilon(), rewiringProbability: topology.beta ?? 0.1, using: &rng)
    case .scaleFree:
      let gamma = topology.exponent ?? 2.5
      guard gamma > 2 else { throw fail("topology.exponent", "must exceed 2, got \(gamma)") }
      return ScaleFreeTopology.pattern(
        inputSize: n, outputSize: m, epsilon: try epsilon(), exponent: gamma, side: .both, using: &rng)
    case .file:
      guard let path = topology.path else { throw fail("topology.path", "is missing") }
      let contents = try MatrixMarket.read(contentsOf: URL(fileURLWithPath: path))
      guard contents.pattern.rows == m && contents.pattern.columns == n else {
        throw fail(
          "topology.path",
          "\(path) holds a \(contents.pattern.rows)×\(contents.pattern.columns) pattern; this layer needs \(m)×\(n) (outputs × inputs)")
      }
      return contents.pattern
    }
  }
}
