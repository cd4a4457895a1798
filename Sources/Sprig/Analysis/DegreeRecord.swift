// DegreeRecord: the degree sequences of a model's sparse layers at one epoch,
// as written to a run's degrees.jsonl while training.

/// One sparse layer's degrees at one moment.
public struct LayerDegrees: Codable, Equatable, Sendable {
  /// Index of the layer in the model.
  public var layer: Int
  public var inputs: Int
  public var outputs: Int
  public var connections: Int
  /// In-degree of each output neuron (connections it receives).
  public var inDegrees: [Int]
  /// Out-degree of each input neuron (connections it sends).
  public var outDegrees: [Int]
  public var inStatistics: DegreeStatistics
  public var outStatistics: DegreeStatistics

  /// The degrees of `pattern`, the layer at index `layer`.
  public init(layer: Int, pattern: SparsityPattern) {
    self.layer = layer
    inputs = pattern.columns
    outputs = pattern.rows
    connections = pattern.nonzeroCount
    inDegrees = pattern.rowDegrees
    outDegrees = pattern.columnDegrees
    inStatistics = DegreeStatistics(inDegrees)
    outStatistics = DegreeStatistics(outDegrees)
  }

  enum CodingKeys: String, CodingKey {
    case layer, inputs, outputs, connections
    case inDegrees = "in_degrees"
    case outDegrees = "out_degrees"
    case inStatistics = "in_statistics"
    case outStatistics = "out_statistics"
  }
}

/// Every sparse layer's degrees after one epoch (epoch 0: the initial topology).
public struct DegreeRecord: Codable, Equatable, Sendable {
  public var epoch: Int
  public var layers: [LayerDegrees]

  /// The degrees of `model`'s sparse layers now.
  public init(epoch: Int, model: Sequential) {
    self.epoch = epoch
    layers = model.layers.enumerated().compactMap { i, layer in
      (layer as? SparseLinear).map { LayerDegrees(layer: i, pattern: $0.pattern) }
    }
  }
}
