// ModelObjectives: the training step, evaluation and pictures of the models
// that are not trained by one loss on the output — VAE, RBM, GAN, triplet
// embeddings — on the same model, checkpoint and run folder as the others.
import Foundation

/// What one evaluation measured: the loss, the accuracy where there is
/// one, and the model's own scores.
public struct Evaluation: Sendable {
  public var loss: Double
  public var accuracy: Double
  public var scores: [String: Double] = [:]

  public init(loss: Double, accuracy: Double, scores: [String: Double] = [:]) {
    self.loss = loss
    self.accuracy = accuracy
    self.scores = scores
  }
}

extension Trainer {
  /// Every figure of `model` on `test` as its objective measures it (the
  /// training split supplies references: see ``ModelObjective``).
  public static func evaluation(
    _ model: Sequential, test: LabeledData, train: LabeledData, objective: TrainingObjective, batchSize: Int = 1000
  ) -> Evaluation {
    guard ModelObjective.handles(objective) else {
      let e = evaluate(model, on: test, batchSize: batchSize, objective: objective)
      return Evaluation(loss: e.loss, accuracy: e.accuracy)
    }
    return ModelObjective(objective: objective, model: model, options: model.description.training ?? TrainingOptions())
      .evaluate(test: test, train: train, batchSize: batchSize)
  }
}

extension TrainingObjective {
  /// How inputs are scaled unless told: standardised for classifiers and
  /// embeddings, [0, 1] for models of the pixels themselves (Bernoulli
  /// units, sigmoid outputs, reconstruction).
  public var defaultNormalization: Normalization {
    switch self {
    case .classification, .triplet: return .standardize
    default: return .unitRange
    }
  }
}

/// The state and steps of one of the model objectives (every
/// ``TrainingObjective`` but classification and reconstruction).
final class ModelObjective {
  let objective: TrainingObjective
  let model: Sequential
  private let options: TrainingOptions
  /// This epoch's stream for the objective's own draws (Gibbs sampling,
  /// GAN noise, triplet ties).
  private var rng = SeededGenerator(seed: 0)
  /// PCD's chains, one per sample of a batch (kept in the resume state).
  private(set) var persistentChains: Matrix?
  /// The GAN's second optimizer: generator and discriminator each step on
  /// their own state, at the same learning rate and step count.
  private var generatorOptimizer: Optimizer?
  /// The classifier whose features the Fréchet distance compares.
  private var featureExtractor: Sequential?
  private let outputGradient = Matrix(rows: 0, columns: 0)
  private let loss = BinaryCrossEntropyWithLogits()

  init(objective: TrainingObjective, model: Sequential, options: TrainingOptions) {
    self.objective = objective
    self.model = model
    self.options = options
    if case .contrastiveDivergence(_, true) = objective { persistentChains = Matrix(rows: 0, columns: 0) }
    if case .adversarial = objective { generatorOptimizer = options.makeOptimizer() }
  }

  /// Whether `objective` is one of these.
  static func handles(_ objective: TrainingObjective) -> Bool {
    switch objective {
    case .classification, .reconstruction: return false
    default: return true
    }
  }

  func startEpoch(_ stream: SeededGenerator) { rng = stream }

  // MARK: Parts of the model

  var rbm: RestrictedBoltzmannMachine { model.layers[0] as! RestrictedBoltzmannMachine }

  /// The GAN's generator and discriminator as views on the model's layers.
  var gan: (generator: Sequential, discriminator: Sequential) {
    guard case .adversarial(let k) = objective else { preconditionFailure("not a GAN") }
    // The discriminator's first layer computes its input gradient: the
    // generator learns through it (set once, when the model was built).
    model.layers[k].needsInputGradient = true
    return (Sequential(viewing: Array(model.layers[..<k])), Sequential(viewing: Array(model.layers[k...])))
  }

  /// A VAE's decoder: the layers after its latent sample.
  var decoder: Sequential? {
    guard let i = model.layers.firstIndex(where: { $0 is GaussianSample }), i + 1 < model.layers.count else { return nil }
    return Sequential(viewing: Array(model.layers[(i + 1)...]))
  }

  var latentSize: Int { (model.layers.first { $0 is GaussianSample } as? GaussianSample)?.latent ?? model.inputSize }

  // MARK: Shapes

  /// Throws unless `data` fits the model as this objective uses it.
  func check(_ data: DatasetSplit) throws {
    let f = data.train.featureCount
    switch objective {
    case .adversarial:
      let (g, d) = gan
      guard g.outputSize == f, d.inputSize == f, d.outputSize == 1 else {
        throw TrainingError.shapeMismatch(
          "A GAN's generator must output the data's \(f) features and its discriminator take them and give 1 score; this one's generator gives \(g.outputSize), its discriminator takes \(d.inputSize) and gives \(d.outputSize).")
      }
    case .evidenceLowerBound:
      guard model.inputSize == f, model.outputSize == f, model.layers.contains(where: { $0 is GaussianSample }) else {
        throw TrainingError.shapeMismatch(
          "A VAE takes and rebuilds the data's \(f) features through a gaussian_sample layer; this model takes \(model.inputSize), gives \(model.outputSize)\(model.layers.contains { $0 is GaussianSample } ? "" : ", and has no gaussian_sample layer").")
      }
    case .contrastiveDivergence:
      guard model.layers.count == 1, let r = model.layers[0] as? RestrictedBoltzmannMachine, r.inputSize == f else {
        throw TrainingError.shapeMismatch("An RBM model is one rbm layer over the data's \(f) features.")
      }
    case .triplet:
      guard model.inputSize == f else {
        throw TrainingError.shapeMismatch("The embedding network takes \(model.inputSize) inputs; the data has \(f) features.")
      }
    default: break
    }
  }

  // MARK: Training

  /// One training step on `x` (features × B) with one-hot labels `y`;
  /// returns the step's loss and whether it already stepped the optimizer.
  func trainStep(_ x: Matrix, _ y: Matrix, optimizer: Optimizer, parameters: [Parameter]) -> (loss: Double, stepped: Bool) {
    switch objective {
    case .evidenceLowerBound:
      let logits = model.forward(x, training: true)
      let reconstruction = bernoulliReconstruction(logits, x, gradient: outputGradient)
      model.backward(outputGradient)
      return (reconstruction + addedLoss, false)
    case .contrastiveDivergence(let steps, _):
      let error = rbm.contrastiveDivergence(x, steps: steps, persistentChains: persistentChains, using: &rng)
      return (error, false)
    case .triplet(let margin):
      let embeddings = model.forward(x, training: true)
      let value = tripletLoss(embeddings, labels: y.argmaxPerColumn().map(Int32.init), margin: margin, gradient: outputGradient)
      model.backward(outputGradient)
      return (value, false)
    case .adversarial:
      return (adversarialStep(x, optimizer: optimizer), true)
    default:
      preconditionFailure("ModelObjective: \(objective) trains through the Trainer's own step")
    }
  }

  /// The KL (or other) terms the model's layers add to the loss.
  private var addedLoss: Double { model.layers.compactMap { ($0 as? AddsLoss)?.addedLoss }.reduce(0, +) }

  /// Binary cross-entropy on logits summed over the features, averaged
  /// over the batch (the Bernoulli log-likelihood term of the ELBO, in nats
  /// per sample), and its gradient.
  private func bernoulliReconstruction(_ logits: Matrix, _ x: Matrix, gradient: Matrix) -> Double {
    let perElement = loss(logits, x, gradient: gradient)
    let features = Float(x.rows)
    gradient.elements.withUnsafeMutableBufferPointer { g in for k in g.indices { g[k] *= features } }
    return Double(perElement) * Double(features)
  }

  private let anchor = Matrix(rows: 0, columns: 0), positive = Matrix(rows: 0, columns: 0)
  private let negative = Matrix(rows: 0, columns: 0)
  private let anchorGradient = Matrix(rows: 0, columns: 0), positiveGradient = Matrix(rows: 0, columns: 0)
  private let negativeGradient = Matrix(rows: 0, columns: 0)

  /// The triplet margin loss over this batch's semi-hard triplets, and its
  /// gradient with respect to every embedding (zero for a batch with none).
  private func tripletLoss(_ embeddings: Matrix, labels: [Int32], margin: Float, gradient: Matrix) -> Double {
    let triplets = SemiHardTripletMining.triplets(embeddings: embeddings, labels: labels, margin: margin, using: &rng)
    gradient.reshape(rows: embeddings.rows, columns: embeddings.columns)
    gradient.fill(0)
    guard !triplets.isEmpty else { return 0 }
    SemiHardTripletMining.gather(triplets, from: embeddings, anchor: anchor, positive: positive, negative: negative)
    let value = TripletMarginLoss(margin: margin)(
      anchor: anchor, positive: positive, negative: negative, anchorGradient: anchorGradient,
      positiveGradient: positiveGradient, negativeGradient: negativeGradient)
    SemiHardTripletMining.scatterGradients(
      triplets, anchor: anchorGradient, positive: positiveGradient, negative: negativeGradient, into: gradient)
    return Double(value)
  }

  private let noise = Matrix(rows: 0, columns: 0)
  private let fake = Matrix(rows: 0, columns: 0)
  private let both = Matrix(rows: 0, columns: 0)
  private let targets = Matrix(rows: 0, columns: 0)

  /// One discriminator step on real `x` and as many generated samples, then
  /// one generator step with the non-saturating loss −log D(G(z)) (Goodfellow
  /// et al. 2014): returns the discriminator's loss (mean binary
  /// cross-entropy over real and fake).
  private func adversarialStep(_ x: Matrix, optimizer: Optimizer) -> Double {
    let (generator, discriminator) = gan
    let b = x.columns
    fillNoise(noise, columns: b)
    // Kept apart from the generator's output buffer, which the picture and
    // evaluation passes reuse; reshaped in place, so no step allocates it.
    let generated = generator.forward(noise, training: true)
    fake.reshape(rows: generated.rows, columns: generated.columns)
    fake.elements.withUnsafeMutableBufferPointer { f in
      generated.elements.withUnsafeBufferPointer { f.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
    }
    both.reshape(rows: x.rows, columns: 2 * b)
    RestrictedBoltzmannMachine.placeSideBySide(x, fake, into: both, leftScale: 1, rightScale: 1)
    targets.reshape(rows: 1, columns: 2 * b)
    targets.elements.withUnsafeMutableBufferPointer { t in for j in 0..<(2 * b) { t[j] = j < b ? 1 : 0 } }
    let scores = discriminator.forward(both, training: true)
    let discriminatorLoss = loss(scores, targets, gradient: outputGradient)
    _ = discriminator.backward(outputGradient)
    optimizer.step(discriminator.parameters)
    // The generator: D's gradient reaches G's output; D's own gradients of
    // this pass are overwritten by its next step.
    let fakeScores = discriminator.forward(fake, training: true)
    targets.reshape(rows: 1, columns: b)
    targets.fill(1)
    _ = loss(fakeScores, targets, gradient: outputGradient)
    let sampleGradient = discriminator.backward(outputGradient)
    generator.backward(sampleGradient)
    let g = generatorOptimizer!
    g.learningRate = optimizer.learningRate
    g.stepCount = optimizer.stepCount - 1
    g.step(generator.parameters)
    return Double(discriminatorLoss)
  }

  /// The first layer whose parameters or output on this batch are not
  /// finite (a GAN's model runs from noise: D(G(z))).
  func firstNonFiniteLayer(on x: Matrix) -> (index: Int, layer: Layer)? {
    guard case .adversarial = objective else { return model.firstNonFiniteLayer(on: x) }
    fillNoise(noise, columns: x.columns)
    return model.firstNonFiniteLayer(on: noise)
  }

  private func fillNoise(_ m: Matrix, columns: Int) {
    m.reshape(rows: model.inputSize, columns: columns)
    m.elements.withUnsafeMutableBufferPointer { e in for k in e.indices { e[k] = rng.nextNormal() } }
  }

  // MARK: Evaluation

  /// The figures of this objective on `test` (`train` gives the
  /// references: the data means of AIS's base model, the Fréchet
  /// features' classifier, the kNN neighbours).
  func evaluate(test: LabeledData, train: LabeledData, batchSize: Int) -> Evaluation {
    // Evaluations draw from a fixed stream: the same model gives the same figures.
    var stream = SeededGenerator(seed: 0x5EED)
    switch objective {
    case .evidenceLowerBound:
      var total = 0.0
      for layer in model.layers { (layer as? GaussianSample)?.reseed(stream.next()) }
      forEachBatch(of: test, size: batchSize) { x, _ in
        let logits = model.forward(x, training: false)
        total += (bernoulliReconstruction(logits, x, gradient: outputGradient) + addedLoss) * Double(x.columns)
      }
      let negativeELBO = total / Double(max(test.count, 1))
      return Evaluation(loss: negativeELBO, accuracy: 0, scores: ["elbo": -negativeELBO])
    case .contrastiveDivergence:
      let machine = rbm
      var error = 0.0
      let h = Matrix(rows: 0, columns: 0), sample = Matrix(rows: 0, columns: 0), v = Matrix(rows: 0, columns: 0)
      var logLikelihood = 0.0
      let base = Self.logitOfMeans(train)
      let ais = machine.annealedImportanceSampling(
        runs: options.aisRuns ?? 100, intermediateDistributions: options.aisIntermediateDistributions ?? 2000,
        baseVisibleBias: base, using: &stream)
      forEachBatch(of: test, size: batchSize) { x, _ in
        machine.hiddenProbabilities(x, into: h)
        machine.sample(h, into: sample, using: &stream)
        machine.visibleMeans(sample, into: v)
        error += RestrictedBoltzmannMachine.meanSquaredDifference(v, x) * Double(x.columns)
        logLikelihood += machine.meanLogLikelihood(x, logPartition: ais.logPartition) * Double(x.columns)
      }
      let n = Double(max(test.count, 1))
      return Evaluation(
        loss: error / n, accuracy: 0,
        scores: [
          "reconstruction_error": error / n, "ais_log_likelihood": logLikelihood / n, "log_partition": ais.logPartition,
          "log_partition_standard_error": ais.standardError,
        ])
    case .triplet:
      let embeddings = embed(test, batchSize: batchSize)
      let reference = embed(train, batchSize: batchSize)
      let recall = EmbeddingMetrics.recallAtOne(embeddings: embeddings, labels: test.labels)
      let knn = EmbeddingMetrics.nearestNeighbourAccuracy(
        reference: reference, referenceLabels: train.labels, query: embeddings, queryLabels: test.labels, k: 5)
      return Evaluation(loss: 0, accuracy: recall, scores: ["recall_at_1": recall, "knn5_accuracy": knn])
    case .adversarial:
      let distance = frechetDistance(test: test, train: train, using: &stream)
      return Evaluation(loss: distance, accuracy: 0, scores: ["frechet_distance": distance])
    default:
      preconditionFailure("ModelObjective: \(objective) evaluates through the Trainer")
    }
  }

  /// The base-rate model's visible biases: the logit of each pixel's mean
  /// over the training data, clipped (Salakhutdinov & Murray 2008).
  static func logitOfMeans(_ data: LabeledData) -> [Float] {
    var mean = [Double](repeating: 0, count: data.featureCount)
    data.features.withUnsafeBufferPointer { x in
      for i in 0..<data.count {
        for f in 0..<data.featureCount { mean[f] += Double(x[i * data.featureCount + f]) }
      }
    }
    return mean.map { m in
      let p = min(max(m / Double(max(data.count, 1)), 1e-3), 1 - 1e-3)
      return Float(log(p / (1 - p)))
    }
  }

  private func forEachBatch(of data: LabeledData, size: Int, _ body: (Matrix, Matrix) -> Void) {
    let x = Matrix(rows: 0, columns: 0), y = Matrix(rows: 0, columns: 0)
    let order = Array(0..<data.count)
    for start in stride(from: 0, to: data.count, by: max(size, 1)) {
      data.fillBatch(order[start..<min(data.count, start + size)], features: x, oneHotLabels: y)
      body(x, y)
    }
  }

  /// Every sample's embedding, `d × count`.
  private func embed(_ data: LabeledData, batchSize: Int) -> Matrix {
    let d = model.outputSize
    var all = [Float](repeating: 0, count: d * data.count)
    var start = 0
    forEachBatch(of: data, size: batchSize) { x, _ in
      let e = model.forward(x, training: false)
      let b = x.columns
      e.elements.withUnsafeBufferPointer { src in
        for i in 0..<d {
          for j in 0..<b { all[i * data.count + start + j] = src[i * b + j] }
        }
      }
      start += b
    }
    return Matrix(rows: d, columns: data.count, elements: all)
  }

  // MARK: GAN quality

  /// The Fréchet distance between generated samples and the test images in
  /// the 128 penultimate ReLU features of a small dense classifier
  /// (784-128-10, trained here for 2 epochs on the training split with
  /// Adam, seed 0): FID's formula, in a feature space of Sprig's own, so it
  /// compares runs of Sprig, not papers' FIDs (which use Inception-v3).
  private func frechetDistance(test: LabeledData, train: LabeledData, using rng: inout SeededGenerator) -> Double {
    let extractor = featureExtractor ?? Self.trainFeatureClassifier(on: train)
    featureExtractor = extractor
    let count = min(test.count, 5000)
    let features = Sequential(viewing: Array(extractor.layers.prefix(2)))
    let real = Matrix(rows: 0, columns: 0), y = Matrix(rows: 0, columns: 0)
    test.fillBatch(Array(0..<count)[...], features: real, oneHotLabels: y)
    let realFeatures = features.forward(real, training: false).copy()
    let generator = gan.generator
    let z = Matrix(rows: model.inputSize, columns: count, elements: (0..<(model.inputSize * count)).map { _ in rng.nextNormal() })
    let fake = generator.forward(z, training: false)
    let fakeFeatures = features.forward(fake, training: false).copy()
    return FrechetDistance.squared(realFeatures, fakeFeatures)
  }

  static func trainFeatureClassifier(on train: LabeledData) -> Sequential {
    var rng = SeededGenerator(seed: 0)
    let f = train.featureCount
    let classifier = Sequential([
      Linear(inputSize: f, outputSize: 128, using: &rng), ReLU(size: 128), Linear(inputSize: 128, outputSize: train.classCount, using: &rng),
    ])
    var options = TrainingOptions()
    (options.epochs, options.optimizer, options.learningRate, options.weightDecay) = (2, .adam, 1e-3, 0)
    options.learningRateSchedule = .constant
    options.zeta = 0
    options.savesResumeState = false
    _ = try? Trainer(model: classifier, options: options, objective: .classification)
      .fit(DatasetSplit(name: "features", train: train, test: train.prefix(1)))
    return classifier
  }

  // MARK: Pictures

  /// The pictures of this epoch: (file name, SVG), 28×28 greyscale grids
  /// when the data are such images.
  func pictures(test: LabeledData, epoch: Int) -> [(String, String)] {
    let shape = test.shape
    guard shape.channels == 1, shape.height > 1 else { return [] }
    let (w, h) = (shape.width, shape.height)
    var stream = SeededGenerator(seed: 0xC0FFEE)  // the same noise every epoch: progress is visible
    func grid(_ m: Matrix, columns: Int) -> String {
      let images = (0..<m.columns).map { j in m.column(j) }
      return imageGridSVG(images, width: w, height: h, columns: columns, pixelSize: 2)
    }
    switch objective {
    case .adversarial:
      let z = Matrix(rows: model.inputSize, columns: 64, elements: (0..<(model.inputSize * 64)).map { _ in stream.nextNormal() })
      return [("samples-epoch-\(epoch).svg", grid(gan.generator.forward(z, training: false), columns: 8))]
    case .evidenceLowerBound:
      guard let decoder else { return [] }
      let l = latentSize
      let z = Matrix(rows: l, columns: 64, elements: (0..<(l * 64)).map { _ in stream.nextNormal() })
      let samples = Self.sigmoid(decoder.forward(z, training: false))
      // Interpolation between the means of two test images' codes.
      let x = Matrix(rows: 0, columns: 0), y = Matrix(rows: 0, columns: 0)
      test.fillBatch([0, 1][...], features: x, oneHotLabels: y)
      let encoderEnd = model.layers.firstIndex { $0 is GaussianSample }!
      let codes = Sequential(viewing: Array(model.layers[..<encoderEnd])).forward(x, training: false)
      var path = [Float](repeating: 0, count: l * 10)
      for k in 0..<10 {
        let t = Float(k) / 9
        for i in 0..<l { path[i * 10 + k] = (1 - t) * codes[i, 0] + t * codes[i, 1] }
      }
      let line = Self.sigmoid(decoder.forward(Matrix(rows: l, columns: 10, elements: path), training: false))
      return [("samples-epoch-\(epoch).svg", grid(samples, columns: 8)), ("interpolation-epoch-\(epoch).svg", grid(line, columns: 10))]
    case .contrastiveDivergence:
      // 64 Gibbs chains from noise, 200 steps; the last visible means.
      let machine = rbm
      let n = machine.inputSize
      var v = Matrix(rows: n, columns: 64, elements: (0..<(n * 64)).map { _ in stream.nextUnitFloat() < 0.5 ? 1 : 0 })
      let hidden = Matrix(rows: 0, columns: 0), hs = Matrix(rows: 0, columns: 0), means = Matrix(rows: 0, columns: 0)
      for step in 0..<200 {
        machine.hiddenProbabilities(v, into: hidden)
        machine.sample(hidden, into: hs, using: &stream)
        machine.visibleMeans(hs, into: means)
        if step < 199 {
          let next = Matrix(rows: 0, columns: 0)
          machine.sample(means, into: next, gaussian: machine.visibleUnits == .gaussian, using: &stream)
          v = next
        }
      }
      return [("samples-epoch-\(epoch).svg", grid(means, columns: 8))]
    default:
      return []
    }
  }

  static func sigmoid(_ m: Matrix) -> Matrix {
    let out = m.copy()
    RestrictedBoltzmannMachine.sigmoidInPlace(out)
    return out
  }

  // MARK: Resume

  /// The state a resumed run needs besides the model's (PCD's chains).
  var resumeTensors: [String: Tensor] {
    guard let chains = persistentChains, chains.count > 0 else { return [:] }
    return ["objective.chains": Tensor(shape: [chains.rows, chains.columns], data: .float32(Array(chains.elements)))]
  }

  func restore(from tensors: [String: Tensor]) {
    guard let chains = tensors["objective.chains"], let values = chains.data.floats, chains.shape.count == 2 else { return }
    persistentChains = Matrix(rows: chains.shape[0], columns: chains.shape[1], elements: values)
  }
}
