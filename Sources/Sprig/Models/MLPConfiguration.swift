// MLPConfiguration: the description of a (sparse) multilayer perceptron
// that builds the model and travels in its checkpoint.

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
  public func makeModel(seed: UInt64) -> Sequential {
    var rng = SeededGenerator(seed: seed)
    let sizes = [inputSize] + hiddenSizes + [outputSize]
    var layers: [Layer] = []
    let count = sizes.count - 1
    for index in 0..<count {
      let (n, m) = (sizes[index], sizes[index + 1])
      if isSparse(inputs: n, outputs: m, index: index, count: count) {
        layers.append(SparseLinear(inputSize: n, outputSize: m, epsilon: epsilon!, initialization: initialization, using: &rng))
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
