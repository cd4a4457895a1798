// DegreeRecord: the degree sequences of a model's sparse layers at one epoch,
// as written to a run's degrees.jsonl while training.

/// One sparse layer's degrees at one moment.
public struct LayerDegrees: Codable, Equatable, Sendable {
  /// Index of the layer in the model.
  public var layer: Int
  /// The part of the layer (`kernel`, `input gate`, …), nil for a sparse layer that is one matrix.
  public var part: String?
  /// How the inputs are laid out as an image, when they are (a conv kernel's `C × k × k`).
  public var columnShape: ImageShape?
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
    self.init(layer: layer, view: DegreeView(part: nil, pattern: pattern))
  }

  /// The degrees of `view`'s rows, a part of the layer at index `layer`.
  public init(layer: Int, view: DegreeView) {
    self.layer = layer
    part = view.part
    columnShape = view.columnShape
    let p = view.pattern
    inputs = p.columns
    outputs = view.rows.count
    let (start, end) = (Int(p.rowPointers[view.rows.lowerBound]), Int(p.rowPointers[view.rows.upperBound]))
    connections = end - start
    inDegrees = view.rows.map { Int(p.rowPointers[$0 + 1] - p.rowPointers[$0]) }
    var columns = [Int](repeating: 0, count: p.columns)
    p.columnIndices.withUnsafeBufferPointer { c in
      for k in start..<end { columns[Int(c[k])] += 1 }
    }
    outDegrees = columns
    inStatistics = DegreeStatistics(inDegrees)
    outStatistics = DegreeStatistics(outDegrees)
  }

  /// `Layer 3` or `Layer 3 (kernel)`, as reports title it.
  public var title: String { "Layer \(layer)" + (part.map { " (\($0))" } ?? "") }

  enum CodingKeys: String, CodingKey {
    case layer, part, inputs, outputs, connections
    case columnShape = "column_shape"
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
    layers = model.layers.enumerated().flatMap { i, layer in
      layer.degreeViews.map { LayerDegrees(layer: i, view: $0) }
    }
  }
}
