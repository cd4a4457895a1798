// ModelDescription: a whole model as versioned JSON — input, layers, loss and
// training settings — that builds the model and travels in its checkpoint.
import Foundation

/// The shape of one input sample: plain features, or an image.
public struct InputDescription: Codable, Equatable, Sendable {
  /// Features per sample (for images, `channels × height × width`).
  public var features: Int
  /// The image shape, when the input is an image (needed by convolutions and pools).
  public var image: ImageShape?

  /// Plain features.
  public init(features: Int) {
    self.features = features
    self.image = nil
  }

  /// An image input.
  public init(image: ImageShape) {
    self.features = image.featureCount
    self.image = image
  }
}

/// A model as data, as Keras's `get_config` and Hugging Face's `config.json`
/// are: print it, edit it, pass it back.
///
/// ```json
/// {"format": "sprig-model", "version": 1, "input": {"features": 784, "image": {...}},
///  "layers": [{"type": "sparse_linear", "units": 1000, "topology": {"kind": "er", "epsilon": 20}},
///             {"type": "activation", "activation": "relu"}, {"type": "linear", "units": 10}],
///  "loss": "softmax-cross-entropy", "training": {...}}
/// ```
///
/// ``Sequential/init(description:seed:)`` builds it (checking that every
/// layer fits the one before), ``Sequential/description`` returns it, and
/// ``Checkpoint`` stores it beside the weights.
public struct ModelDescription: Codable, Equatable, Sendable {
  /// The `format` value of every description.
  public static let formatName = "sprig-model"
  /// The newest `version` this Sprig reads and writes.
  public static let currentVersion = 1

  public var format: String = ModelDescription.formatName
  public var version: Int = ModelDescription.currentVersion
  /// A name for people (`set-mlp`, `cnn`, …).
  public var name: String?
  /// One input sample.
  public var input: InputDescription
  /// The layers, first to last.
  public var layers: [LayerDescription]
  /// The training loss (classifiers: `softmax-cross-entropy`).
  public var loss: String = "softmax-cross-entropy"
  /// A GAN (`loss` "gan"): how many of the layers, from the first, are the
  /// generator (noise → sample); the rest are the discriminator.
  public var generatorLayers: Int?
  /// The triplet loss's margin (`loss` "triplet-margin"; default 0.2).
  public var margin: Float?

  enum CodingKeys: String, CodingKey {
    case format, version, name, input, layers, loss, training, margin
    case generatorLayers = "generator_layers"
  }
  /// Optimizer, schedule, epochs and evolution to train with (nil: the library's defaults).
  public var training: TrainingOptions?

  public init(
    name: String? = nil, input: InputDescription, layers: [LayerDescription], training: TrainingOptions? = nil
  ) {
    self.name = name
    self.input = input
    self.layers = layers
    self.training = training
  }

  /// The description as pretty-printed JSON with sorted keys (same model, same bytes).
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }

  /// Reads a description, with errors that name the layer and the field.
  ///
  /// - Parameter source: names the JSON in messages (a file path, "checkpoint metadata").
  /// - Throws: ``ModelDescriptionError``.
  public init(json data: Data, source: String) throws {
    do {
      self = try JSONDecoder().decode(ModelDescription.self, from: data)
    } catch let error as DecodingError {
      throw ModelDescriptionError(decoding: error, source: source)
    }
    guard format == Self.formatName else {
      throw ModelDescriptionError(source: source, path: "format", message: "is \"\(format)\", expected \"\(Self.formatName)\"")
    }
    guard (1...Self.currentVersion).contains(version) else {
      throw ModelDescriptionError(
        source: source, path: "version",
        message: "is \(version); this Sprig reads versions 1…\(Self.currentVersion): upgrade Sprig to read it")
    }
  }

  /// Reads a description file.
  public init(contentsOf url: URL) throws {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ModelDescriptionError(source: url.path, path: "", message: "cannot be read (\(error.localizedDescription))")
    }
    try self.init(json: data, source: url.path)
  }
}

/// A description that cannot be read or built: `source`, the JSON path of
/// the field (`layers[3].filters`) and what is wrong with it.
public struct ModelDescriptionError: Error, CustomStringConvertible, LocalizedError, Equatable {
  public var source: String
  /// Where in the JSON: `layers[3].units`, `input.image`, `layers[2]`.
  public var path: String
  public var message: String

  public init(source: String, path: String, message: String) {
    self.source = source
    self.path = path
    self.message = message
  }

  /// Layer `index`'s error, naming the layer as people count (`layer 3 conv2d`).
  init(source: String, layer index: Int, type: LayerType?, field: String? = nil, message: String) {
    self.source = source
    path = "layers[\(index)]" + (field.map { ".\($0)" } ?? "")
    let name = type.map { "layer \(index) \($0.rawValue)" } ?? "layer \(index)"
    self.message = (field.map { "\(name): \($0) " } ?? "\(name): ") + message
  }

  init(decoding error: DecodingError, source: String) {
    func render(_ path: [CodingKey]) -> String {
      path.reduce("") { text, key in
        if let index = key.intValue { return text + "[\(index)]" }
        return text.isEmpty ? key.stringValue : text + "." + key.stringValue
      }
    }
    self.source = source
    switch error {
    case .keyNotFound(let key, let context):
      path = render(context.codingPath + [key])
      message = "is missing"
    case .valueNotFound(_, let context):
      path = render(context.codingPath)
      message = "is null"
    case .typeMismatch(let type, let context):
      path = render(context.codingPath)
      message = "should be \(Self.typeName(type)) (\(context.debugDescription))"
    case .dataCorrupted(let context):
      path = render(context.codingPath)
      if let last = context.codingPath.last, last.stringValue == "type" {
        message = "\(context.debugDescription): the types are \(LayerType.allCases.map(\.rawValue).joined(separator: ", "))"
      } else {
        message = context.underlyingError.map { "is not valid JSON (\($0.localizedDescription))" } ?? context.debugDescription
      }
    @unknown default:
      path = ""
      message = "\(error)"
    }
  }

  private static func typeName(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type: return "a whole number"
    case is Double.Type, is Float.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    default: return "\(type)"
    }
  }

  public var description: String {
    let location = path.isEmpty ? "" : " \(path)"
    // Layer errors already start with "layer N type:".
    if message.hasPrefix("layer ") { return "\(source): \(message)" }
    return "\(source):\(location) \(message)"
  }

  public var errorDescription: String? { description }
}
