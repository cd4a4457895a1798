// ModelDescribing: the description of a model, whether or not it was built from one.
import Foundation

extension Sequential {
  /// The model as a ``ModelDescription``: the one it was built from, or one
  /// read off its layers (a sparse layer's topology is then ER at its
  /// current density, which builds a layer of the same size and connection
  /// count).
  public var description: ModelDescription {
    if let storedDescription { return storedDescription }
    return ModelDescription(input: Self.inputDescription(of: layers[0]), layers: layers.map(Self.describe))
  }

  /// Replaces the description a model carries (e.g. to record its training settings).
  public func setDescription(_ description: ModelDescription) { storedDescription = description }

  static func inputDescription(of first: Layer) -> InputDescription {
    switch first {
    case let conv as Conv2D: return InputDescription(image: conv.geometry.input)
    case let conv as SparseConv2D: return InputDescription(image: conv.geometry.input)
    case let pool as PoolingLayer: return InputDescription(image: pool.geometry.input)
    case let flatten as Flatten: return InputDescription(image: flatten.shape)
    default: return InputDescription(features: first.inputSize)
    }
  }

  /// One layer's description, read off its properties.
  static func describe(_ layer: Layer) -> LayerDescription {
    switch layer {
    case let s as SparseLinear:
      return .sparseLinear(units: s.outputSize, topology: TopologyDescription(kind: .er, density: s.pattern.density))
    case let l as Linear: return .linear(units: l.outputSize)
    case let d as Dropout: return .dropout(rate: d.rate)
    case let c as Conv2D:
      return .conv2d(filters: c.outputChannels, kernel: c.geometry.kernelSize, stride: c.geometry.stride, padding: c.geometry.padding)
    case let p as PoolingLayer:
      var d = LayerDescription.pool(p is MaxPool2D ? .maxPool2d : p is AvgPool2D ? .avgPool2d : .l2Pool2d, size: p.geometry.kernelSize)
      d.stride = p.geometry.stride
      d.padding = p.geometry.padding
      return d
    case let c as SparseConv2D:
      return .sparseConv2d(
        filters: c.outputChannels, kernel: c.geometry.kernelSize,
        topology: TopologyDescription(kind: .er, density: c.kernel.pattern.density), stride: c.geometry.stride,
        padding: c.geometry.padding)
    case is Flatten: return LayerDescription(.flatten)
    case let r as RestrictedBoltzmannMachine:
      return .rbm(
        hidden: r.outputSize, topology: TopologyDescription(kind: .er, density: r.weights.pattern.density),
        visible: r.visibleUnits == .bernoulli ? nil : r.visibleUnits)
    case let g as GaussianSample: return .gaussianSample(latent: g.latent)
    case let l as LeakyReLU: return .activation(.leakyReLU, slope: l.slope == LeakyReLU(size: 1).slope ? nil : l.slope)
    case let r as Recurrent:
      let type: LayerType = r.cell is LSTMCell || r.cell is SparseLSTMCell ? .lstm : r.cell is GRUCell || r.cell is SparseGRUCell ? .gru : .rnn
      var d = LayerDescription.recurrent(type, units: r.cell.hiddenSize, steps: r.steps, returnSequence: r.returnsSequence)
      if !r.sparseLayers.isEmpty {
        let connections = r.sparseLayers.reduce(0) { $0 + $1.connectionCount }
        let possible = r.sparseLayers.reduce(0) { $0 + $1.inputSize * $1.outputSize }
        d.topology = TopologyDescription(kind: .er, density: Double(connections) / Double(possible))
      }
      return d
    default:
      guard let kind = ActivationKind(layer: layer) else {
        preconditionFailure("Sequential.description: \(layer.name) has no description; add its case to LayerDescription")
      }
      return .activation(kind)
    }
  }
}

extension ActivationKind {
  /// The kind of an activation layer, if `layer` is one.
  init?(layer: Layer) {
    guard
      let kind = ActivationKind.allCases.first(where: {
        ObjectIdentifier(type(of: $0.makeLayer(size: 1))) == ObjectIdentifier(type(of: layer))
      })
    else { return nil }
    self = kind
  }
}
