// LayerDescription: one layer of a model description, as JSON a user can read and edit.
import Foundation

/// The kinds of layer a ``ModelDescription`` can hold, by their JSON `type`.
public enum LayerType: String, Codable, CaseIterable, Sendable {
  case sparseLinear = "sparse_linear"
  case linear
  case activation
  case dropout
  case conv2d
  case sparseConv2d = "sparse_conv2d"
  case maxPool2d = "max_pool2d"
  case avgPool2d = "avg_pool2d"
  case l2Pool2d = "l2_pool2d"
  case flatten
  case locallyConnected2d = "locally_connected2d"
  case rnn, lstm, gru
  /// A restricted Boltzmann machine: `units` hidden units over a sparse W
  /// (`topology`), Bernoulli or Gaussian `visible` units.
  case rbm
  /// A VAE's latent sample: `units` latent dimensions from 2·units inputs
  /// (means, then log-variances), adding their KL divergence to the loss.
  case gaussianSample = "gaussian_sample"

  public init(from decoder: Decoder) throws {
    let name = try decoder.singleValueContainer().decode(String.self)
    guard let type = LayerType(rawValue: name) else {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unknown layer type \"\(name)\""))
    }
    self = type
  }
}

/// How a sparse layer is wired when it is first built (a checkpoint then
/// carries the evolved pattern itself).
public struct TopologyDescription: Codable, Equatable, Sendable {
  /// The generator, by its JSON name.
  public enum Kind: String, Codable, CaseIterable, Sendable {
    /// Erdős–Rényi: `epsilon` (density `ε(n_in+n_out)/(n_in·n_out)`) or an explicit `density`.
    case er
    /// Watts–Strogatz small world with `epsilon`'s connections and rewiring probability `beta`.
    case smallWorld = "small_world"
    /// Chung–Lu scale-free degrees with exponent `exponent` on both sides, `epsilon`'s connections.
    case scaleFree = "scale_free"
    /// The pattern of a Matrix Market file at `path` (outputs × inputs).
    case file
  }

  public var kind: Kind
  /// SET's ε.
  public var epsilon: Double?
  /// A density in (0, 1], instead of ε (ER only).
  public var density: Double?
  /// Small-world rewiring probability (default 0.1).
  public var beta: Double?
  /// Scale-free degree exponent (default 2.5).
  public var exponent: Double?
  /// The `.mtx` file (`file` only).
  public var path: String?

  public init(
    kind: Kind, epsilon: Double? = nil, density: Double? = nil, beta: Double? = nil, exponent: Double? = nil,
    path: String? = nil
  ) {
    self.kind = kind
    self.epsilon = epsilon
    self.density = density
    self.beta = beta
    self.exponent = exponent
    self.path = path
  }

  /// Erdős–Rényi at ε.
  public static func er(epsilon: Double) -> TopologyDescription { TopologyDescription(kind: .er, epsilon: epsilon) }
}

/// One layer: its `type` and the hyper-parameters that type takes.
///
/// Sizes are outputs only (`units`, `filters`): each layer's input is the
/// previous layer's output (or the model's input), as in Keras. Fields a
/// type does not use are left out of the JSON.
public struct LayerDescription: Codable, Equatable, Sendable {
  public var type: LayerType
  /// Output units (`sparse_linear`, `linear`, `rnn`, `lstm`, `gru`).
  public var units: Int?
  /// Output channels (`conv2d`, `sparse_conv2d`, `locally_connected2d`).
  public var filters: Int?
  /// Window side (`conv2d`, `sparse_conv2d`, `locally_connected2d`).
  public var kernel: Int?
  /// Window step (convolutions and pools; pools default to their size).
  public var stride: Int?
  /// `same` or `valid` (`conv2d` default `same`; pools default `valid`).
  public var padding: Padding?
  /// Zero padding on each side, in pixels (`locally_connected2d`, default 0).
  public var paddingPixels: Int?
  /// Pool window side (default 2).
  public var size: Int?
  /// Dropout rate in [0, 1).
  public var rate: Float?
  /// The activation (`activation`).
  public var activation: ActivationKind?
  /// A `leaky-relu` activation's slope below zero (default 0.01; GAN
  /// discriminators use 0.2, as PyTorch's `nn.LeakyReLU(0.2)`).
  public var slope: Float?
  /// A sparse layer's starting wiring (`sparse_linear`, `sparse_conv2d`'s
  /// kernel, and the gate matrices of a sparse `lstm` or `gru`).
  public var topology: TopologyDescription?
  /// Fraction of each window connected (`locally_connected2d`, default 1).
  public var density: Double?
  /// Sequence length; the input is `steps` × features per step (`rnn`, `lstm`, `gru`).
  public var steps: Int?
  /// Output every step's hidden state instead of the last (`rnn`, `lstm`, `gru`).
  public var returnSequence: Bool?
  /// How weights are drawn (default `he-uniform`; `glorot-uniform` for sparse gates).
  public var initialization: WeightInitialization?
  /// This layer's SET ζ where it differs from the training's (0 keeps its topology fixed).
  public var zeta: Double?
  /// An RBM's visible units (default Bernoulli).
  public var visible: RestrictedBoltzmannMachine.VisibleUnits?

  enum CodingKeys: String, CodingKey {
    case type, units, filters, kernel, stride, padding, size, rate, activation, slope, topology, density, steps
    case paddingPixels = "padding_pixels"
    case returnSequence = "return_sequence"
    case initialization, zeta, visible
  }

  /// A layer of `type` with no hyper-parameters set.
  public init(_ type: LayerType) { self.type = type }

  public static func sparseLinear(
    units: Int, topology: TopologyDescription, initialization: WeightInitialization? = nil
  ) -> LayerDescription {
    var d = LayerDescription(.sparseLinear)
    d.units = units
    d.topology = topology
    d.initialization = initialization
    return d
  }

  public static func linear(units: Int, initialization: WeightInitialization? = nil) -> LayerDescription {
    var d = LayerDescription(.linear)
    d.units = units
    d.initialization = initialization
    return d
  }

  public static func activation(_ kind: ActivationKind, slope: Float? = nil) -> LayerDescription {
    var d = LayerDescription(.activation)
    d.activation = kind
    d.slope = slope
    return d
  }

  public static func dropout(rate: Float) -> LayerDescription {
    var d = LayerDescription(.dropout)
    d.rate = rate
    return d
  }

  public static func conv2d(filters: Int, kernel: Int, stride: Int? = nil, padding: Padding? = nil) -> LayerDescription {
    var d = LayerDescription(.conv2d)
    d.filters = filters
    d.kernel = kernel
    d.stride = stride
    d.padding = padding
    return d
  }

  public static func sparseConv2d(
    filters: Int, kernel: Int, topology: TopologyDescription, stride: Int? = nil, padding: Padding? = nil
  ) -> LayerDescription {
    var d = conv2d(filters: filters, kernel: kernel, stride: stride, padding: padding)
    d.type = .sparseConv2d
    d.topology = topology
    return d
  }

  public static func pool(_ type: LayerType, size: Int = 2) -> LayerDescription {
    precondition([.maxPool2d, .avgPool2d, .l2Pool2d].contains(type), "LayerDescription.pool: \(type) is not a pool")
    var d = LayerDescription(type)
    d.size = size
    return d
  }

  public static func rbm(
    hidden: Int, topology: TopologyDescription, visible: RestrictedBoltzmannMachine.VisibleUnits? = nil
  ) -> LayerDescription {
    var d = LayerDescription(.rbm)
    d.units = hidden
    d.topology = topology
    d.visible = visible
    return d
  }

  public static func gaussianSample(latent: Int) -> LayerDescription {
    var d = LayerDescription(.gaussianSample)
    d.units = latent
    return d
  }

  public static func recurrent(_ type: LayerType, units: Int, steps: Int, returnSequence: Bool? = nil) -> LayerDescription {
    precondition([.rnn, .lstm, .gru].contains(type), "LayerDescription.recurrent: \(type) is not recurrent")
    var d = LayerDescription(type)
    d.units = units
    d.steps = steps
    d.returnSequence = returnSequence
    return d
  }
}
