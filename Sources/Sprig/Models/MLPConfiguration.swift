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

  /// The pattern of sparse layer `index` (`n → m`).
  func pattern(index: Int, inputs n: Int, outputs m: Int, using rng: inout SeededGenerator) throws -> SparsityPattern {
    let eps = epsilon!
    switch topology {
    case .erdosRenyi, .local:
      return ErdosRenyiTopology.pattern(inputSize: n, outputSize: m, epsilon: eps, using: &rng)
    case .erk:
      let sizes = [inputSize] + hiddenSizes + [outputSize]
      let layers = (0..<(sizes.count - 1)).map { (inputSize: sizes[$0], outputSize: sizes[$0 + 1]) }
      let total = layers.reduce(0.0) { $0 + ErdosRenyiTopology.density(epsilon: eps, inputSize: $1.inputSize, outputSize: $1.outputSize) * Double($1.inputSize * $1.outputSize) }
      let dense = layers.reduce(0.0) { $0 + Double($1.inputSize * $1.outputSize) }
      let densities = try ERKDensities.densities(layers: layers, density: total / dense)
      return ErdosRenyiTopology.pattern(inputSize: n, outputSize: m, density: densities[index], using: &rng)
    case .smallWorld:
      return SmallWorldTopology.pattern(inputSize: n, outputSize: m, epsilon: eps, rewiringProbability: 0.1, using: &rng)
    case .scaleFree:
      return ScaleFreeTopology.pattern(inputSize: n, outputSize: m, epsilon: eps, exponent: 2.5, side: .both, using: &rng)
    case .file(let path):
      guard index == 0 else { return ErdosRenyiTopology.pattern(inputSize: n, outputSize: m, epsilon: eps, using: &rng) }
      let contents = try MatrixMarket.read(contentsOf: URL(fileURLWithPath: path))
      guard contents.pattern.rows == m && contents.pattern.columns == n else {
        throw TopologyError.invalidParameter("\(path) holds a \(contents.pattern.rows)×\(contents.pattern.columns) pattern; the first layer needs \(m)×\(n) (outputs × inputs)")
      }
      return contents.pattern
    }
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

  /// Builds the model; `seed` fixes topology, weights and dropout masks.
  /// Throws only for topologies that read files or need image inputs.
  public func makeModel(seed: UInt64) throws -> Sequential {
    var rng = SeededGenerator(seed: seed)
    var sizes = [inputSize] + hiddenSizes + [outputSize]
    let windows = try localWindows()
    if let windows { sizes.insert(windows.outputSize, at: 1) }  // the local layer comes first
    var layers: [Layer] = []
    let count = sizes.count - 1
    for index in 0..<count {
      let (n, m) = (sizes[index], sizes[index + 1])
      if index == 0, let windows {
        layers.append(LocallyConnected2D.make(windows: windows, density: 0.5, initialization: initialization, using: &rng))
      } else if isSparse(inputs: n, outputs: m, index: index, count: count) {
        let p = try pattern(index: index, inputs: n, outputs: m, using: &rng)
        layers.append(SparseLinear(pattern: p, initialization: initialization, using: &rng))
      } else {
        layers.append(Linear(inputSize: n, outputSize: m, initialization: initialization, using: &rng))
      }
      if index < count - 1 {
        layers.append(activation.makeLayer(size: m))
        if dropout > 0 { layers.append(Dropout(size: m, rate: dropout, seed: rng.next())) }
      }
    }
    return Sequential(layers)
  }
}
