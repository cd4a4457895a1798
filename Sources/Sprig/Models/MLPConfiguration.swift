// MLPConfiguration: the description of a (sparse) multilayer perceptron
// that builds the model and travels in its checkpoint.
import Foundation

/// How a sparse MLP's layers are wired at the start.
public enum TopologyKind: Codable, Equatable, Sendable {
  /// Erdős–Rényi at ε (SET's start).
  case erdosRenyi
  /// Erdős–Rényi–Kernel densities (RigL) for the same total connections as ε.
  case erk
  /// The first layer locally connected (5×5 windows, 16 maps, half of each
  /// window's connections, so local evolution has room to move); the rest ER.
  case local
  /// Watts–Strogatz small-world layers (band of ε-equivalent width, β = 0.1).
  case smallWorld
  /// Chung–Lu scale-free layers (γ = 2.5 on both sides) with ε's connection count.
  case scaleFree
  /// The first layer's pattern from a Matrix Market file; the rest ER.
  case file(String)

  /// Parses `er`, `erk`, `local`, `small-world`, `scale-free` or `file:PATH`.
  public init?(argument: String) {
    switch argument {
    case "er": self = .erdosRenyi
    case "erk": self = .erk
    case "local": self = .local
    case "small-world": self = .smallWorld
    case "scale-free": self = .scaleFree
    default:
      guard argument.hasPrefix("file:"), argument.count > 5 else { return nil }
      self = .file(String(argument.dropFirst(5)))
    }
  }
}

/// A multilayer perceptron: sizes, activation, and which layers are sparse.
///
/// With an `epsilon`, each layer is an Erdős–Rényi ``SparseLinear`` at that
/// ε unless its density would reach `denseThreshold` (e.g. a 1000→10 output
/// layer at ε = 20 has density 1): such a layer runs dense on sgemm, which is
/// faster there and stores no indices. Without `epsilon` every layer is dense.
public struct MLPConfiguration: Codable, Equatable, Sendable {
  /// Input features (784 for 28×28 images).
  public var inputSize: Int
  /// Hidden layer widths.
  public var hiddenSizes: [Int]
  /// Output units (classes).
  public var outputSize: Int
  /// The hidden layers' activation.
  public var activation: ActivationKind
  /// SET's ε; `nil` makes every layer dense.
  public var epsilon: Double?
  /// Keep the output layer dense whatever its density, as the SET reference code does.
  public var denseOutputLayer: Bool
  /// ER density at or above which a layer is built dense.
  public var denseThreshold: Double
  /// Dropout rate after each hidden activation (0 = none).
  public var dropout: Float
  /// How weights start.
  public var initialization: WeightInitialization
  /// How the sparse layers are wired at the start.
  public var topology: TopologyKind = .erdosRenyi
  /// The input image's shape (needed by the locally connected topology).
  public var imageShape: ImageShape?

  /// The local windows of the first layer, for `.local` (else nil).
  public func localWindows() throws -> LocalWindows? {
    guard topology == .local else { return nil }
    guard let imageShape, imageShape.featureCount == inputSize else {
      throw TopologyError.invalidParameter("the locally connected topology needs image inputs; this model has \(inputSize) plain features")
    }
    return try LocalWindows(input: imageShape, outputChannels: 16, kernelSize: 5)
  }

  public init(
    inputSize: Int, hiddenSizes: [Int], outputSize: Int, activation: ActivationKind = .relu,
    epsilon: Double? = 20, denseOutputLayer: Bool = false, denseThreshold: Double = 0.5, dropout: Float = 0,
    initialization: WeightInitialization = .heUniform
  ) {
    self.inputSize = inputSize
    self.hiddenSizes = hiddenSizes
    self.outputSize = outputSize
    self.activation = activation
    self.epsilon = epsilon
    self.denseOutputLayer = denseOutputLayer
    self.denseThreshold = denseThreshold
    self.dropout = dropout
    self.initialization = initialization
  }

  /// Whether the layer `inputs → outputs` (the `index`-th of `count`) is sparse.
  public func isSparse(inputs: Int, outputs: Int, index: Int, count: Int) -> Bool {
    guard let epsilon else { return false }
    if denseOutputLayer && index == count - 1 { return false }
    return ErdosRenyiTopology.density(epsilon: epsilon, inputSize: inputs, outputSize: outputs) < denseThreshold
  }

  /// The model as a ``ModelDescription``: each layer sparse or dense as
  /// ``isSparse(inputs:outputs:index:count:)`` decides, with its topology
  /// spelled out per layer (ERK as each layer's own density, a pattern file
  /// for the first layer only, a locally connected first layer for `.local`).
  public func description(name: String? = nil, training: TrainingOptions? = nil) throws -> ModelDescription {
    var sizes = [inputSize] + hiddenSizes + [outputSize]
    let windows = try localWindows()
    if let windows { sizes.insert(windows.outputSize, at: 1) }  // the local layer comes first
    let count = sizes.count - 1
    let erk = try erkDensities()
    var layers: [LayerDescription] = []
    for index in 0..<count {
      let (n, m) = (sizes[index], sizes[index + 1])
      let initialization: WeightInitialization? = initialization == .heUniform ? nil : initialization
      if index == 0, let windows {
        var local = LayerDescription(.locallyConnected2d)
        local.filters = windows.output.channels
        local.kernel = windows.kernelSize
        local.density = 0.5
        local.initialization = initialization
        layers.append(local)
      } else if isSparse(inputs: n, outputs: m, index: index, count: count) {
        let topology: TopologyDescription
        switch self.topology {
        case .erdosRenyi, .local: topology = .er(epsilon: epsilon!)
        case .erk: topology = TopologyDescription(kind: .er, density: erk![index])
        case .smallWorld: topology = TopologyDescription(kind: .smallWorld, epsilon: epsilon!, beta: 0.1)
        case .scaleFree: topology = TopologyDescription(kind: .scaleFree, epsilon: epsilon!, exponent: 2.5)
        case .file(let path): topology = index == 0 ? TopologyDescription(kind: .file, path: path) : .er(epsilon: epsilon!)
        }
        layers.append(.sparseLinear(units: m, topology: topology, initialization: initialization))
      } else {
        layers.append(.linear(units: m, initialization: initialization))
      }
      if index < count - 1 {
        layers.append(.activation(activation))
        if dropout > 0 { layers.append(.dropout(rate: dropout)) }
      }
    }
    let input = imageShape.map { InputDescription(image: $0) } ?? InputDescription(features: inputSize)
    return ModelDescription(name: name, input: input, layers: layers, training: training)
  }

  /// Each layer's ERK density for `.erk` (nil otherwise).
  func erkDensities() throws -> [Double]? {
    guard topology == .erk, let eps = epsilon else { return nil }
    let sizes = [inputSize] + hiddenSizes + [outputSize]
    let layers = (0..<(sizes.count - 1)).map { (inputSize: sizes[$0], outputSize: sizes[$0 + 1]) }
    let total = layers.reduce(0.0) {
      $0 + ErdosRenyiTopology.density(epsilon: eps, inputSize: $1.inputSize, outputSize: $1.outputSize)
        * Double($1.inputSize * $1.outputSize)
    }
    let dense = layers.reduce(0.0) { $0 + Double($1.inputSize * $1.outputSize) }
    return try ERKDensities.densities(layers: layers, density: total / dense)
  }

  /// Builds the model (the layers of ``description(name:training:)``);
  /// `seed` fixes topology, weights and dropout masks. Throws only for
  /// topologies that read files or need image inputs.
  public func makeModel(seed: UInt64) throws -> Sequential {
    try Sequential(description: description(), seed: seed, source: "MLP configuration")
  }
}
