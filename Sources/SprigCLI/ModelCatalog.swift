// ModelCatalog: the models `sprig train --model NAME` knows, as model descriptions.
import Foundation
import Sprig

/// The named models of `sprig train --model NAME`. Each is a
/// ``ModelDescription`` built for the dataset's image shape and classes
/// (so `cnn` fits Fashion-MNIST's 1×28×28 and CIFAR-10's 3×32×32 alike),
/// with the training settings it was tuned with. `models/NAME.json` in the
/// repository holds each one for Fashion-MNIST, as `--print-model` prints
/// it (a test keeps the files and the catalogue equal).
enum ModelName: String, CaseIterable, Sendable {
  case mlp
  case setMLP = "set-mlp"
  case cnn
  case setCNN = "set-cnn"
  case sparseCNN = "sparse-cnn"
  case lcn
  case lstm
  case sparseLSTM = "sparse-lstm"
  case gru
  case sparseGRU = "sparse-gru"
  case autoencoder
  case setAutoencoder = "set-autoencoder"
  case rbm
  case setRBM = "set-rbm"
  case vae
  case setVAE = "set-vae"
  case gan
  case setGAN = "set-gan"
  case siamese
  case setSiamese = "set-siamese"

  /// One line for `--help`.
  var summary: String {
    switch self {
    case .mlp: return "dense MLP 1000-1000-1000 (4000-1000-4000 for colour images), ReLU, dropout 0.2"
    case .setMLP: return "SET-MLP of the same sizes, ER ε=20, SET ζ=0.3 (the default)"
    case .cnn: return "conv 3×3·32, pool, conv 3×3·64, pool, dense 128, Adam"
    case .setCNN: return "the cnn with a sparse evolving 128-unit layer (the SET paper's CNN variant)"
    case .sparseCNN: return "the set-cnn with its second convolution sparse too (20 % of the kernel)"
    case .lcn: return "locally connected 5×5·16 (half of each window), sparse 1000, SET"
    case .lstm: return "LSTM 128 reading the image row by row, Adam, gradient norm ≤ 5"
    case .sparseLSTM: return "the lstm with its gate matrices sparse (20 %), SET"
    case .gru: return "GRU 128 reading the image row by row, Adam, gradient norm ≤ 5"
    case .sparseGRU: return "the gru with its gate matrices sparse (20 %), SET"
    case .autoencoder: return "dense autoencoder 1000-128-1000 (reconstruction, MSE)"
    case .setAutoencoder: return "the autoencoder with sparse evolving layers, ER ε=20"
    case .rbm: return "Bernoulli RBM, 500 hidden units, fully connected, CD-1, AIS log-likelihood"
    case .setRBM: return "SET-RBM: the rbm with ER ε=11 and SET ζ=0.3 (the SET paper's ε)"
    case .vae: return "VAE 512-20-512, Bernoulli decoder, ELBO, Adam"
    case .setVAE: return "the vae with sparse evolving 512-wide layers, ER ε=20"
    case .gan: return "GAN: generator 64-256-512-784, discriminator 784-512-256-1 (leaky ReLU 0.2, dropout 0.3), Adam β₁ 0.5"
    case .setGAN: return "the gan with sparse evolving hidden layers in both networks, ER ε=20"
    case .siamese: return "triplet embedding 512-256-64, semi-hard mining, recall@1"
    case .setSiamese: return "the siamese network with sparse evolving layers, ER ε=20"
    }
  }

  /// The description of this model for images of `shape` in `classes`
  /// classes (from `dataset`, when known: the MLPs' recipe depends on it).
  func description(shape: ImageShape, classes: Int, dataset: DatasetName? = nil) throws -> ModelDescription {
    let features = shape.featureCount
    switch self {
    case .mlp, .setMLP:
      let sparse = self == .setMLP
      let recipe = MLPRecipe(for: shape, dataset: dataset)
      return try recipe.configuration(shape: shape, classes: classes, sparse: sparse)
        .description(name: rawValue, training: recipe.training(sparse: sparse))
    case .cnn, .setCNN, .sparseCNN:
      var layers: [LayerDescription] = [.conv2d(filters: 32, kernel: 3), .activation(.relu), .pool(.maxPool2d)]
      if self == .sparseCNN {
        // The first convolution stays dense: its 9·C weights per filter are
        // too few to thin out; the second holds 32·9 = 288 per filter.
        layers.append(.sparseConv2d(filters: 64, kernel: 3, topology: TopologyDescription(kind: .er, density: 0.2)))
      } else {
        layers.append(.conv2d(filters: 64, kernel: 3))
      }
      layers += [.activation(.relu), .pool(.maxPool2d), LayerDescription(.flatten)]
      layers.append(self == .cnn ? .linear(units: 128) : .sparseLinear(units: 128, topology: .er(epsilon: 20)))
      layers += [.activation(.relu), .linear(units: classes)]
      var training = TrainingOptions()
      training.optimizer = .adam
      training.learningRate = 1e-3
      training.weightDecay = 0
      training.zeta = self == .cnn ? 0 : 0.3
      training.evaluationBatchSize = 500  // the im2col buffer grows with the batch
      return ModelDescription(name: rawValue, input: InputDescription(image: shape), layers: layers, training: training)
    case .lcn:
      var local = LayerDescription(.locallyConnected2d)
      local.filters = 16
      local.kernel = 5
      local.density = 0.5
      let layers: [LayerDescription] = [
        local, .activation(.relu), LayerDescription(.flatten),
        .sparseLinear(units: 1000, topology: .er(epsilon: 20)), .activation(.relu),
        .linear(units: classes),
      ]
      var training = TrainingOptions()
      training.evolution = .setLocal
      return ModelDescription(name: rawValue, input: InputDescription(image: shape), layers: layers, training: training)
    case .lstm, .sparseLSTM, .gru, .sparseGRU:
      // Row by row: the CHW layout makes each of the C·H image rows W contiguous features.
      let type: LayerType = self == .lstm || self == .sparseLSTM ? .lstm : .gru
      var recurrent = LayerDescription.recurrent(type, units: 128, steps: shape.channels * shape.height)
      if self == .sparseLSTM || self == .sparseGRU { recurrent.topology = TopologyDescription(kind: .er, density: 0.2) }
      var training = TrainingOptions()
      training.optimizer = .adam
      training.learningRate = 2e-3
      training.weightDecay = 0
      training.maxGradientNorm = 5
      training.zeta = recurrent.topology == nil ? 0 : 0.3
      return ModelDescription(
        name: rawValue, input: InputDescription(features: features),
        layers: [recurrent, .linear(units: classes, initialization: .glorotUniform)], training: training)
    case .autoencoder, .setAutoencoder:
      func layer(_ units: Int) -> LayerDescription {
        self == .autoencoder ? .linear(units: units) : .sparseLinear(units: units, topology: .er(epsilon: 20))
      }
      let layers: [LayerDescription] = [
        layer(1000), .activation(.relu), layer(128), .activation(.relu), layer(1000), .activation(.relu),
        layer(features), .activation(.sigmoid),
      ]
      var description = ModelDescription(name: rawValue, input: InputDescription(features: features), layers: layers)
      description.loss = LossKind.meanSquaredError.rawValue
      var training = TrainingOptions()
      training.optimizer = .adam
      training.learningRate = 1e-3
      training.weightDecay = 0
      training.zeta = self == .autoencoder ? 0 : 0.3
      description.training = training
      return description
    case .rbm, .setRBM:
      let topology = self == .rbm ? TopologyDescription(kind: .er, density: 1) : TopologyDescription.er(epsilon: 11)
      var description = ModelDescription(
        name: rawValue, input: InputDescription(features: features), layers: [.rbm(hidden: 500, topology: topology)])
      description.loss = "cd-1"
      var training = TrainingOptions()
      (training.learningRate, training.momentum, training.weightDecay) = (0.05, 0.5, 2e-4)
      training.learningRateSchedule = .constant
      training.zeta = self == .rbm ? 0 : 0.3
      description.training = training
      return description
    case .vae, .setVAE, .gan, .setGAN, .siamese, .setSiamese:
      let sparse = [.setVAE, .setGAN, .setSiamese].contains(self)
      func layer(_ units: Int) -> LayerDescription {
        sparse ? .sparseLinear(units: units, topology: .er(epsilon: 20)) : .linear(units: units)
      }
      var training = TrainingOptions()
      (training.optimizer, training.learningRate, training.weightDecay) = (.adam, 1e-3, 0)
      training.zeta = sparse ? 0.3 : 0
      var description: ModelDescription
      switch self {
      case .vae, .setVAE:
        let latent = 20
        let layers: [LayerDescription] = [
          layer(512), .activation(.relu), .linear(units: 2 * latent), .gaussianSample(latent: latent),
          layer(512), .activation(.relu), layer(features),
        ]
        description = ModelDescription(name: rawValue, input: InputDescription(features: features), layers: layers)
        description.loss = "elbo"
      case .gan, .setGAN:
        let generator: [LayerDescription] = [
          layer(256), .activation(.leakyReLU), layer(512), .activation(.leakyReLU), .linear(units: features), .activation(.sigmoid),
        ]
        // Radford et al.'s recipe for MLP GANs: a discriminator leaky at
        // 0.2 with dropout 0.3, Adam with β₁ = 0.5. Measured on Fashion-MNIST
        // (5 epochs, Fréchet distance in classifier features): 125 without
        // dropout and slope 0.01, 100 with the dropout, 87 with both;
        // β₁ = 0.9 let the discriminator win outright (loss 0.001, noise samples).
        let discriminator: [LayerDescription] = [
          layer(512), .activation(.leakyReLU, slope: 0.2), .dropout(rate: 0.3),
          layer(256), .activation(.leakyReLU, slope: 0.2), .dropout(rate: 0.3), .linear(units: 1),
        ]
        description = ModelDescription(
          name: rawValue, input: InputDescription(features: 64), layers: generator + discriminator)
        description.loss = "gan"
        description.generatorLayers = generator.count
        training.learningRate = 2e-4
        training.adamBeta1 = 0.5
      default:
        let layers: [LayerDescription] = [layer(512), .activation(.relu), layer(256), .activation(.relu), .linear(units: 64)]
        description = ModelDescription(name: rawValue, input: InputDescription(features: features), layers: layers)
        description.loss = "triplet-margin"
        description.margin = 1
      }
      description.training = training
      return description
    }
  }
}

/// What `--model` names: a catalogue model or a description file.
enum ModelSource {
  case named(ModelName)
  case file(URL)

  init(argument: String) throws {
    if let name = ModelName(rawValue: argument) {
      self = .named(name)
    } else if argument.hasSuffix(".json") || argument.contains("/") {
      self = .file(URL(fileURLWithPath: argument))
    } else {
      throw ModelDescriptionError(
        source: "--model", path: "",
        message: "\"\(argument)\" is neither a model name (\(ModelName.allCases.map(\.rawValue).joined(separator: ", "))) nor a .json file")
    }
  }

  /// The description for data of `shape` in `classes` classes; a file's
  /// description must fit that data already.
  func description(shape: ImageShape, classes: Int, dataset: DatasetName? = nil) throws -> ModelDescription {
    switch self {
    case .named(let name): return try name.description(shape: shape, classes: classes, dataset: dataset)
    case .file(let url):
      let description = try ModelDescription(contentsOf: url)
      // A GAN's input is its noise; the generator's output is checked against the data when training starts.
      if case .adversarial = try TrainingObjective(description: description) { return description }
      guard description.input.features == shape.featureCount else {
        let wanted = description.input.image.map { "\($0.channels)×\($0.height)×\($0.width)" } ?? "\(description.input.features) features"
        throw ModelDescriptionError(
          source: url.path, path: "input",
          message: "is \(wanted); the data has \(shape.channels)×\(shape.height)×\(shape.width) images (\(shape.featureCount) features): edit input, or train on matching data")
      }
      return description
    }
  }
}
