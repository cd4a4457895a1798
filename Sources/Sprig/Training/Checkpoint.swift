// Checkpoint: a model, its input scaling and run facts in one safetensors
// file — sparse layers as their CSR arrays, never densified.
import Foundation

/// One layer of a `sprig-checkpoint-1` file's metadata (`"layers"`, a JSON
/// array): the MLP format before ``ModelDescription``, still read.
public struct LayerSpec: Codable, Equatable, Sendable {
  /// `sparse_linear`, `linear`, `activation` or `dropout`.
  public var type: String
  public var inputs: Int
  public var outputs: Int
  /// The activation's name (for `activation`).
  public var activation: ActivationKind?
  /// The dropout rate (for `dropout`).
  public var rate: Float?
}

/// A sparse matrix of a checkpoint, for readers that do not know the layer
/// types: its tensors' prefix and its shape (metadata `sparse_matrices`).
public struct SparseMatrixEntry: Codable, Equatable, Sendable {
  /// `layers.<i>` for a sparse layer, `layers.<i>.sparse.<j>` for the `j`-th
  /// sparse matrix held inside layer `i`; the tensors are `PREFIX.row_ptr`,
  /// `PREFIX.col_idx`, `PREFIX.weight` and `PREFIX.bias`.
  public var prefix: String
  /// The layer that holds it.
  public var layer: Int
  public var rows: Int
  public var columns: Int
}

/// A trained model as a file: `model.safetensors`.
///
/// Layout (every name prefixed `layers.<i>.` for layer `i`):
/// - sparse matrices: `row_ptr` (I32, rows+1), `col_idx` (I32, nnz),
///   `weight` (F32, nnz, CSR order), `bias` (F32, rows) — in Python,
///   `scipy.sparse.csr_matrix((weight, col_idx, row_ptr), shape=(rows, columns))`
///   with the shape from the metadata `sparse_matrices`; a sparse layer's
///   are `layers.<i>.*`, those held inside another layer (``HasSparseLayers``)
///   `layers.<i>.sparse.<j>.*`;
/// - every other parameter by its name: dense weights as `outputs × inputs`
///   (`filters × C·k·k` for a convolution), the rest flat;
/// - `input.mean`, `input.std` when inputs were standardised.
/// Metadata: `format` (`sprig-checkpoint-2`), `sprig_version`, `model`
/// (the ``ModelDescription`` JSON), `sparse_matrices` (JSON array of
/// ``SparseMatrixEntry``), and free-form run facts (`dataset`, `epoch`,
/// `test_accuracy`, `options`, …). Activations are feature-major inside
/// Sprig, so a layer computes `y = W·x + b` for each sample `x`.
///
/// Files of the first format (`sprig-checkpoint-1`, MLPs only, written
/// before model descriptions) are still read.
public struct Checkpoint {
  public static let format = "sprig-checkpoint-2"
  /// The format of MLP checkpoints written before model descriptions.
  public static let legacyFormat = "sprig-checkpoint-1"
  public var model: Sequential
  /// The per-feature standardisation applied to inputs, if any.
  public var scaling: FeatureScaling?
  /// Run facts stored as metadata strings.
  public var info: [String: String]

  public init(model: Sequential, scaling: FeatureScaling?, info: [String: String] = [:]) {
    self.model = model
    self.scaling = scaling
    self.info = info
  }

  /// The sparse matrices of `model`, with their tensors' prefixes.
  static func sparseMatrices(of model: Sequential) -> [(entry: SparseMatrixEntry, layer: SparseLinear)] {
    model.layers.enumerated().flatMap { i, layer -> [(entry: SparseMatrixEntry, layer: SparseLinear)] in
      if let sparse = layer as? SparseLinear {
        return [(SparseMatrixEntry(prefix: "layers.\(i)", layer: i, rows: sparse.outputSize, columns: sparse.inputSize), sparse)]
      }
      let held = (layer as? HasSparseLayers)?.sparseLayers ?? []
      return held.enumerated().map { j, sparse in
        (SparseMatrixEntry(prefix: "layers.\(i).sparse.\(j)", layer: i, rows: sparse.outputSize, columns: sparse.inputSize), sparse)
      }
    }
  }

  /// The parameters of `layer` that are not those of a sparse matrix it holds.
  static func denseParameters(of layer: Layer) -> [Parameter] {
    let held = Set(((layer as? HasSparseLayers)?.sparseLayers ?? []).flatMap(\.parameters).map(ObjectIdentifier.init))
    return layer.parameters.filter { !held.contains(ObjectIdentifier($0)) }
  }

  /// The shape a dense parameter is stored with.
  static func shape(of p: Parameter, in layer: Layer) -> [Int] {
    guard p.name == "weight" else { return [p.count] }
    switch layer {
    case is Linear: return [layer.outputSize, layer.inputSize]
    case let conv as Conv2D: return [conv.outputChannels, conv.filterSize]
    default: return [p.count]
    }
  }

  /// The checkpoint as a safetensors file.
  public func file() throws -> SafeTensorsFile {
    var tensors: [String: Tensor] = [:]
    let sparse = Self.sparseMatrices(of: model)
    for (entry, s) in sparse {
      let prefix = entry.prefix + "."
      tensors[prefix + "row_ptr"] = Tensor(shape: [s.pattern.rowPointers.count], data: .int32(s.pattern.rowPointers))
      tensors[prefix + "col_idx"] = Tensor(shape: [s.connectionCount], data: .int32(s.pattern.columnIndices))
      tensors[prefix + "weight"] = Tensor(shape: [s.connectionCount], data: .float32(s.weight.value))
      tensors[prefix + "bias"] = Tensor(shape: [s.outputSize], data: .float32(s.bias.value))
    }
    for (i, layer) in model.layers.enumerated() where !(layer is SparseLinear) {
      for p in Self.denseParameters(of: layer) {
        tensors["layers.\(i).\(p.name)"] = Tensor(shape: Self.shape(of: p, in: layer), data: .float32(p.value))
      }
    }
    if let scaling {
      tensors["input.mean"] = Tensor(shape: [scaling.mean.count], data: .float32(scaling.mean))
      tensors["input.std"] = Tensor(shape: [scaling.std.count], data: .float32(scaling.std))
    }
    var metadata = info
    metadata["format"] = Self.format
    metadata["sprig_version"] = Sprig.version
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // same model, same bytes
    metadata["model"] = String(decoding: try encoder.encode(model.description), as: UTF8.self)
    metadata["sparse_matrices"] = String(decoding: try encoder.encode(sparse.map(\.entry)), as: UTF8.self)
    return SafeTensorsFile(tensors: tensors, metadata: metadata)
  }

  /// Writes the checkpoint atomically to `url`.
  public func write(to url: URL) throws { try file().write(to: url) }

  /// Reads a checkpoint written by ``write(to:)``.
  public init(contentsOf url: URL) throws {
    try self.init(file: try SafeTensorsFile(contentsOf: url), path: url.path)
  }

  /// Parses a checkpoint's bytes, as ``init(contentsOf:)`` does once they are
  /// read; `path` names the source in errors.
  public init(data: Data, path: String) throws {
    try self.init(file: try SafeTensorsFile(data: data, path: path), path: path)
  }

  /// Reads a checkpoint from an already parsed `file` (`path` names it in errors).
  init(file: SafeTensorsFile, path: String) throws {
    let model: Sequential
    switch file.metadata["format"] {
    case Self.format?: model = try Self.model(from: file, path: path)
    case Self.legacyFormat?: model = try Self.legacyModel(from: file, path: path)
    case let other:
      throw SafeTensorsError.badHeader(
        path: path,
        reason: "no Sprig model in its metadata (format \(other ?? "missing"); Sprig writes \(Self.format) and reads \(Self.legacyFormat) too)")
    }
    var scaling: FeatureScaling?
    if file.tensors["input.mean"] != nil {
      let mean = try file.floats("input.mean", path: path), std = try file.floats("input.std", path: path)
      // FeatureScaling's preconditions hold for what Sprig writes, not for any file.
      guard mean.count == std.count, std.allSatisfy({ $0 > 0 }) else {
        throw SafeTensorsError.badHeader(
          path: path, reason: "input.mean and input.std must have one entry per feature and every std must be positive (\(mean.count) means, \(std.count) stds)")
      }
      scaling = FeatureScaling(mean: mean, std: std)
    }
    var info = file.metadata
    for key in ["format", "sprig_version", "layers", "model", "sparse_matrices"] { info.removeValue(forKey: key) }
    self.init(model: model, scaling: scaling, info: info)
  }

  /// A `sprig-checkpoint-2` model: built from its description, then every
  /// pattern and parameter replaced by the file's.
  static func model(from file: SafeTensorsFile, path: String) throws -> Sequential {
    guard let json = file.metadata["model"] else {
      throw SafeTensorsError.badHeader(path: path, reason: "its metadata has no \"model\" description")
    }
    let description = try ModelDescription(json: Data(json.utf8), source: "\(path) (metadata \"model\")")
    // The patterns come from the file: build sparse layers at ER whatever
    // their topology, so that no pattern file need still exist.
    var buildable = description
    for k in buildable.layers.indices where buildable.layers[k].type == .sparseLinear {
      buildable.layers[k].topology = TopologyDescription(kind: .er, density: 1e-9)
    }
    // The file's tensors are read whole anyway: a memory estimate would only refuse what reading it needs.
    let model = try Sequential(description: buildable, seed: 0, source: "\(path) (metadata \"model\")", memoryLimit: .unchecked)
    model.setDescription(description)
    for (entry, sparse) in sparseMatrices(of: model) {
      let prefix = entry.prefix + "."
      let pattern: SparsityPattern
      do {
        pattern = try SparsityPattern(
          rows: entry.rows, columns: entry.columns, rowPointers: try file.int32s(prefix + "row_ptr", path: path),
          columnIndices: try file.int32s(prefix + "col_idx", path: path))
      } catch let error as SparseError {
        throw SafeTensorsError.badHeader(path: path, reason: "\(entry.prefix): \(error)")
      }
      let weights = try file.floats(prefix + "weight", path: path)
      guard weights.count == pattern.nonzeroCount else {
        throw SafeTensorsError.badHeader(
          path: path, reason: "\(prefix)weight has \(weights.count) values for \(pattern.nonzeroCount) connections")
      }
      sparse.replacePattern(pattern, weights: weights, source: [Int32](repeating: -1, count: pattern.nonzeroCount))
      try load(sparse.bias, from: file, name: prefix + "bias", path: path)
    }
    for (i, layer) in model.layers.enumerated() where !(layer is SparseLinear) {
      for p in denseParameters(of: layer) { try load(p, from: file, name: "layers.\(i).\(p.name)", path: path) }
    }
    return model
  }

  private static func load(_ p: Parameter, from file: SafeTensorsFile, name: String, path: String) throws {
    let values = try file.floats(name, path: path)
    guard values.count == p.count else {
      throw SafeTensorsError.badHeader(path: path, reason: "\(name) has \(values.count) values, the model's description needs \(p.count)")
    }
    p.value = values
  }

  /// A `sprig-checkpoint-1` MLP (its `layers` list of ``LayerSpec``).
  static func legacyModel(from file: SafeTensorsFile, path: String) throws -> Sequential {
    guard let layersJSON = file.metadata["layers"],
      let specs = try? JSONDecoder().decode([LayerSpec].self, from: Data(layersJSON.utf8)), !specs.isEmpty
    else {
      throw SafeTensorsError.badHeader(path: path, reason: "a \(legacyFormat) file without a readable \"layers\" list")
    }
    var layers: [Layer] = []
    for (i, spec) in specs.enumerated() {
      let prefix = "layers.\(i)."
      // Dropout and activations allocate from these sizes before any tensor is read.
      let sizes = 1...ModelBuilder.maximumSize
      guard sizes.contains(spec.inputs), sizes.contains(spec.outputs) else {
        throw SafeTensorsError.badHeader(
          path: path, reason: "layer \(i) is \(spec.inputs) → \(spec.outputs) units; sizes must be in 1...\(ModelBuilder.maximumSize)")
      }
      switch spec.type {
      case "sparse_linear":
        let pattern: SparsityPattern
        do {
          pattern = try SparsityPattern(
            rows: spec.outputs, columns: spec.inputs, rowPointers: try file.int32s(prefix + "row_ptr", path: path),
            columnIndices: try file.int32s(prefix + "col_idx", path: path))
        } catch let error as SparseError {
          throw SafeTensorsError.badHeader(path: path, reason: "layer \(i): \(error)")
        }
        layers.append(
          try SparseLinear(
            pattern: pattern, weights: try file.floats(prefix + "weight", path: path),
            bias: try file.floats(prefix + "bias", path: path)))
      case "linear":
        layers.append(
          try Linear(
            inputSize: spec.inputs, outputSize: spec.outputs, weights: try file.floats(prefix + "weight", path: path),
            bias: try file.floats(prefix + "bias", path: path)))
      case "dropout":
        let rate = spec.rate ?? 0
        guard (0..<1).contains(rate) else {
          throw SafeTensorsError.badHeader(path: path, reason: "layer \(i) is a dropout of rate \(rate); a rate must be in [0, 1)")
        }
        layers.append(Dropout(size: spec.inputs, rate: rate, seed: 0))
      case "activation":
        guard let kind = spec.activation else {
          throw SafeTensorsError.badHeader(path: path, reason: "layer \(i) is an activation without a name")
        }
        let layer = kind.makeLayer(size: spec.inputs)
        for p in layer.parameters {
          let values = try file.floats(prefix + p.name, path: path)
          guard values.count == p.count else {
            throw SafeTensorsError.badHeader(path: path, reason: "\(prefix + p.name) has \(values.count) values, expected \(p.count)")
          }
          p.value = values
        }
        layers.append(layer)
      default:
        throw SafeTensorsError.badHeader(path: path, reason: "layer \(i) has unknown type \(spec.type)")
      }
    }
    for (a, b) in zip(layers, layers.dropFirst()) where a.outputSize != b.inputSize {
      throw SafeTensorsError.badHeader(path: path, reason: "\(a.name) outputs \(a.outputSize) but \(b.name) takes \(b.inputSize)")
    }
    return Sequential(layers)
  }
}
