// Checkpoint: a model, its input scaling and run facts in one safetensors
// file — sparse layers as their CSR arrays, never densified.
import Foundation

/// One layer's description in a checkpoint's metadata (`"layers"`, a JSON array).
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

/// A trained model as a file: `model.safetensors`.
///
/// Layout (every name prefixed `layers.<i>.` for layer `i`):
/// - sparse layers: `row_ptr` (I32, rows+1), `col_idx` (I32, nnz),
///   `weight` (F32, nnz, CSR order), `bias` (F32, rows) — in Python,
///   `scipy.sparse.csr_matrix((weight, col_idx, row_ptr), shape=(outputs, inputs))`;
/// - dense layers: `weight` (F32, outputs × inputs), `bias`;
/// - activations with parameters: those parameters by name (`slope`, …);
/// - `input.mean`, `input.std` when inputs were standardised.
/// Metadata: `format` (`sprig-checkpoint-1`), `sprig_version`, `layers`
/// (JSON array of ``LayerSpec``), and free-form run facts (`dataset`,
/// `epoch`, `test_accuracy`, `options`, …). Activations are feature-major
/// inside Sprig, so a layer computes `y = W·x + b` for each sample `x`.
public struct Checkpoint {
  public static let format = "sprig-checkpoint-1"
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

  /// The spec of each layer of `model`.
  public static func specs(of model: Sequential) -> [LayerSpec] {
    model.layers.map { layer in
      switch layer {
      case is SparseLinear: return LayerSpec(type: "sparse_linear", inputs: layer.inputSize, outputs: layer.outputSize)
      case is Linear: return LayerSpec(type: "linear", inputs: layer.inputSize, outputs: layer.outputSize)
      case let d as Dropout: return LayerSpec(type: "dropout", inputs: d.inputSize, outputs: d.outputSize, rate: d.rate)
      default:
        let kind = ActivationKind.allCases.first {
          ObjectIdentifier(type(of: $0.makeLayer(size: 1))) == ObjectIdentifier(type(of: layer))
        }
        precondition(kind != nil, "Checkpoint: cannot describe \(layer.name)")
        return LayerSpec(type: "activation", inputs: layer.inputSize, outputs: layer.outputSize, activation: kind)
      }
    }
  }

  /// The checkpoint as a safetensors file.
  public func file() throws -> SafeTensorsFile {
    var tensors: [String: Tensor] = [:]
    for (i, layer) in model.layers.enumerated() {
      let prefix = "layers.\(i)."
      if let s = layer as? SparseLinear {
        tensors[prefix + "row_ptr"] = Tensor(shape: [s.pattern.rowPointers.count], data: .int32(s.pattern.rowPointers))
        tensors[prefix + "col_idx"] = Tensor(shape: [s.connectionCount], data: .int32(s.pattern.columnIndices))
        tensors[prefix + "weight"] = Tensor(shape: [s.connectionCount], data: .float32(s.weight.value))
        tensors[prefix + "bias"] = Tensor(shape: [s.outputSize], data: .float32(s.bias.value))
        continue
      }
      for p in layer.parameters {
        let shape = layer is Linear && p.name == "weight" ? [layer.outputSize, layer.inputSize] : [p.count]
        tensors[prefix + p.name] = Tensor(shape: shape, data: .float32(p.value))
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
    encoder.outputFormatting = [.sortedKeys]  // same model, same bytes
    metadata["layers"] = String(decoding: try encoder.encode(Self.specs(of: model)), as: UTF8.self)
    return SafeTensorsFile(tensors: tensors, metadata: metadata)
  }

  /// Writes the checkpoint atomically to `url`.
  public func write(to url: URL) throws { try file().write(to: url) }

  /// Reads a checkpoint written by ``write(to:)``.
  public init(contentsOf url: URL) throws {
    try self.init(file: try SafeTensorsFile(contentsOf: url), path: url.path)
  }

  /// Reads a checkpoint from an already parsed `file` (`path` names it in errors).
  init(file: SafeTensorsFile, path: String) throws {
    guard file.metadata["format"] == Self.format, let layersJSON = file.metadata["layers"],
      let specs = try? JSONDecoder().decode([LayerSpec].self, from: Data(layersJSON.utf8)), !specs.isEmpty
    else {
      throw SafeTensorsError.badHeader(path: path, reason: "no Sprig model description in its metadata (format \(file.metadata["format"] ?? "missing"))")
    }
    var layers: [Layer] = []
    for (i, spec) in specs.enumerated() {
      let prefix = "layers.\(i)."
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
        layers.append(Dropout(size: spec.inputs, rate: spec.rate ?? 0, seed: 0))
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
    var scaling: FeatureScaling?
    if file.tensors["input.mean"] != nil {
      scaling = FeatureScaling(mean: try file.floats("input.mean", path: path), std: try file.floats("input.std", path: path))
    }
    var info = file.metadata
    for key in ["format", "sprig_version", "layers"] { info.removeValue(forKey: key) }
    self.init(model: Sequential(layers), scaling: scaling, info: info)
  }
}
