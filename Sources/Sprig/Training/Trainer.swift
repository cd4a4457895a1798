// Trainer: the mini-batch loop — shuffle, forward, loss, backward, step;
// evaluate, checkpoint and evolve after every epoch.
import Foundation

/// Trains a model — a classifier with softmax cross-entropy, or a
/// reconstruction model (an autoencoder) with its description's loss —
/// evolving its sparse layers between epochs.
///
/// Each epoch: reshuffle from the seed, run every mini-batch (forward,
/// fused softmax cross-entropy, backward, optimizer step), evaluate on the
/// test split, hand the metrics to `run` (which logs them and writes the
/// checkpoint), then rewire every sparse layer — except after the last
/// epoch, so the final checkpoint is exactly the model that was evaluated —
/// and save the ``ResumeState`` so an interrupted run can go on
/// (``resume(from:)``). Every random stream of an epoch (shuffle, dropout,
/// augmentation, evolution) is derived from the seed and the epoch number,
/// so a resumed run is the same run as an uninterrupted one.
public final class Trainer {
  public let model: Sequential
  public let options: TrainingOptions
  /// Classify the labels, or reconstruct the input (by default what the
  /// model description's `loss` says).
  public let objective: TrainingObjective
  public let optimizer: Optimizer
  public let evolution: EvolutionStrategy
  /// Where metrics and checkpoints go (nil: nowhere).
  public let run: RunDirectory?
  public let display: ProgressDisplay?
  /// The ranks this trainer trains with (nil or one rank: alone). Rank 0
  /// alone should be given `run` and `display`.
  public let collective: Collective?
  /// How the ranks share the work.
  public let parallelism: DataParallelism
  /// Metrics of the epochs trained so far.
  public private(set) var history: [EpochMetrics] = []

  private let loss = SoftmaxCrossEntropy()
  private let reconstructionLoss: Loss?
  private var zetaStrategies: [Double: EvolutionStrategy] = [:]
  /// RigL's view of the last batch's activations and gradients, when it evolves the model.
  private let gradientCapture: GradientCapture?
  private var shuffleRNG: SeededGenerator
  private var evolutionRNG: SeededGenerator
  private var augmentationRNG: SeededGenerator
  private var augmentationScratch = ImageAugmentation.Scratch()
  // Reused every batch: a step allocates nothing.
  private let batchX = Matrix(rows: 0, columns: 0)
  private let batchY = Matrix(rows: 0, columns: 0)
  private let outputGradient = Matrix(rows: 0, columns: 0)
  /// The whole global batch, when augmentation must draw it all before a
  /// rank takes its columns.
  private let globalX = Matrix(rows: 0, columns: 0)
  private let globalY = Matrix(rows: 0, columns: 0)
  private let bucket = GradientBucket()
  /// The step and evaluation of a VAE, RBM, GAN or triplet embedding.
  private let modelObjective: ModelObjective?

  public init(
    model: Sequential, options: TrainingOptions, optimizer: Optimizer? = nil, evolution: EvolutionStrategy? = nil,
    objective: TrainingObjective? = nil, run: RunDirectory? = nil, display: ProgressDisplay? = nil,
    collective: Collective? = nil, parallelism: DataParallelism = .synchronous
  ) {
    self.collective = collective
    self.parallelism = parallelism
    self.model = model
    self.options = options
    // The model's own description says what it is for; an unknown loss was
    // refused when the description was read (`TrainingObjective(description:)`).
    let objective = objective ?? (try? TrainingObjective(description: model.description)) ?? .classification
    self.objective = objective
    if case .reconstruction(let kind) = objective { reconstructionLoss = kind.makeLoss() } else { reconstructionLoss = nil }
    modelObjective = ModelObjective.handles(objective) ? ModelObjective(objective: objective, model: model, options: options) : nil
    self.optimizer = optimizer ?? options.makeOptimizer()
    for layer in model.sparseLayers { layer.activationPrecision = options.activationPrecision }
    if let evolution {
      self.evolution = evolution
    } else {
      do { self.evolution = try options.makeEvolution(initialization: .heUniform) } catch {
        preconditionFailure("Trainer: \(error). Call options.makeEvolution(initialization:) to handle it.")
      }
    }
    self.run = run
    self.display = display
    let strategy = self.evolution
    gradientCapture =
      (strategy as? RigLEvolution)?.gradients ?? ((strategy as? ScheduledEvolution)?.base as? RigLEvolution)?.gradients
    // Placeholders: every epoch starts its own streams (startStreams).
    (shuffleRNG, evolutionRNG, augmentationRNG) = (SeededGenerator(seed: 0), SeededGenerator(seed: 0), SeededGenerator(seed: 0))
  }

  /// Starts epoch `epoch`'s random streams — shuffle, evolution,
  /// augmentation and each dropout layer's masks — from the seed and the
  /// epoch number alone, so that a resumed run draws what an uninterrupted
  /// one would.
  private func startStreams(epoch: Int) {
    let root = SeededGenerator(seed: options.seed).derived(UInt64(epoch))
    (shuffleRNG, evolutionRNG, augmentationRNG) = (root.derived(1), root.derived(2), root.derived(3))
    modelObjective?.startEpoch(root.derived(5))
    let dropoutRoot = root.derived(4)
    for (i, layer) in model.layers.enumerated() {
      // Each rank masks its own samples with its own stream.
      var stream = dropoutRoot.derived(UInt64(i))
      if let rank = collective?.rank, rank > 0 { stream = stream.derived(UInt64(rank)) }
      (layer as? Dropout)?.reseed(stream.next())
      (layer as? GaussianSample)?.reseed(stream.next())
    }
  }

  /// Continues the run whose state `url` holds (a ``RunDirectory``'s
  /// `resumeURL`): the model's weights and topology, the optimizer's state
  /// and the metrics so far replace this trainer's, and ``fit(_:)`` goes on
  /// from the next epoch.
  /// - Throws: a typed error when the file is not a resume state or
  ///   describes a different architecture.
  public func resume(from url: URL) throws {
    let state = try ResumeState(contentsOf: url)
    let (saved, mine) = (state.model.description, model.description)
    guard saved.input == mine.input, saved.layers == mine.layers else {
      throw TrainingError.shapeMismatch(
        "\(url.path) holds a different architecture (\(state.model.layers.map(\.name).joined(separator: ", "))) than this model (\(model.layers.map(\.name).joined(separator: ", "))). Resume with the options the run was started with, or start a new run.")
    }
    for (layer, savedLayer) in zip(model.sparseLayers, state.model.sparseLayers) {
      layer.replacePattern(
        savedLayer.pattern, weights: savedLayer.weight.value,
        source: [Int32](repeating: -1, count: savedLayer.connectionCount))
    }
    for (mine, saved) in zip(model.layers, state.model.layers) {
      for (p, q) in zip(mine.parameters, saved.parameters) {
        p.value = q.value
        p.optimizerState = q.optimizerState
      }
    }
    optimizer.stepCount = state.optimizerSteps
    history = state.history
    modelObjective?.restore(from: state.extraTensors)
    try run?.replaceMetrics(with: history)
  }

  /// Trains on `data.train` until epoch `lastEpoch` (default
  /// `options.epochs`), evaluating on `data.test` after each epoch; a later
  /// call goes on from there. Returns the metrics of every epoch so far.
  @discardableResult
  public func fit(_ data: DatasetSplit, until lastEpoch: Int? = nil) throws -> [EpochMetrics] {
    let outputs = reconstructionLoss == nil ? data.train.classCount : data.train.featureCount
    for (name, part) in [("training", data.train), ("test", data.test)] {
      if let k = part.features.firstIndex(where: { !$0.isFinite }) {
        throw TrainingError.nonFiniteInput(
          split: "\(data.name) \(name)", sample: k / max(part.featureCount, 1), feature: k % max(part.featureCount, 1))
      }
    }
    if let modelObjective { try modelObjective.check(data) } else if !(data.train.featureCount == model.inputSize && reconstructionLoss == nil ? outputs <= model.outputSize : outputs == model.outputSize) {
      throw TrainingError.shapeMismatch(
        "The data has \(data.train.featureCount) features and \(data.train.classCount) classes; the model takes \(model.inputSize) inputs and has \(model.outputSize) outputs (\(reconstructionLoss == nil ? "at least one per class" : "one per input feature, to reconstruct it")). Build the model for this dataset.")
    }
    // RigL scores absent connections by the dense gradient dY·Xᵀ of a plain
    // sparse layer; a matrix applied inside another layer (a conv kernel on
    // im2col columns, a gate matrix over time steps) has no such single X and dY.
    if gradientCapture != nil,
      let (index, holder) = model.layers.enumerated().first(where: { $0.element is HasSparseLayers && !($0.element is SparseLinear) })
    {
      throw TrainingError.unsupported(
        "RigL regrows plain sparse layers only; layer \(index) (\(holder.name)) holds its sparse matrices inside. Use --evolution set (or set-distance) for this model.")
    }
    let group = (collective?.size ?? 1) > 1 ? collective : nil
    if group != nil, let modelObjective {
      throw TrainingError.unsupported(
        "--distributed trains classifiers and autoencoders; this model's objective (\(modelObjective.objective)) trains in one process.")
    }
    if group != nil, gradientCapture != nil {
      throw TrainingError.unsupported(
        "RigL regrows where one rank's last batch has the largest gradients, which would differ between ranks; use --evolution set (or set-distance) with --distributed.")
    }
    let synchronous = group != nil && parallelism == .synchronous
    // Ranks built from other seeds or options would sum unequal buffers.
    try checkRanksAgree(epoch: history.count)
    var parameters = model.parameters
    // SGD with momentum: sparse layers write the velocity straight from
    // their gradient kernel and hold no gradient (4 bytes a connection);
    // ordinary gradients return when the run stops. Not when ranks must sum
    // their gradients first.
    // Nor for a GAN, whose generator step runs the discriminator's backward
    // without stepping it.
    var adversarial = false
    if case .adversarial = objective { adversarial = true }
    let sgd = synchronous || adversarial ? nil : optimizer as? SGD
    sgd?.foldMomentum(into: parameters)
    defer { sgd?.unfoldMomentum(parameters) }
    let batchSize = options.batchSize
    let batchesPerEpoch = (data.train.count + batchSize - 1) / batchSize
    let stop = min(lastEpoch ?? options.epochs, options.epochs)
    guard stop > history.count else { return history }
    let recording = options.degreeRecordingPeriod > 0 && run != nil
    if recording && history.isEmpty { try run!.append(DegreeRecord(epoch: 0, model: model)) }
    let fanInScaling = options.referenceFanIn > 0 && Self.isSGD(optimizer) ? FanInScaling(reference: options.referenceFanIn) : nil
    defer { if fanInScaling != nil { FanInScaling.remove(from: model) } }
    for epoch in (history.count + 1)...stop {
      let start = Date()
      startStreams(epoch: epoch)
      fanInScaling?.apply(to: model)
      let order = data.train.shuffledOrder(using: &shuffleRNG)
      let batches = (order.count + batchSize - 1) / batchSize
      var lossSum = 0.0, correct = 0, seen = 0
      var rewireSeconds = 0.0
      // Local steps: rank r takes batches r, r + size, …, in rounds that
      // every rank counts alike, so that all join each averaging.
      let ranks = group?.size ?? 1, rank = group?.rank ?? 0
      let localSteps = group != nil && !synchronous
      let rounds = localSteps ? (batches + ranks - 1) / ranks : batches
      var averagingPeriod = 1
      if case .localSteps(let k) = parallelism { averagingPeriod = max(1, k) }
      // Local steps: a NaN met between averages, reported at the next one.
      var pendingNonFinite: TrainingError?
      for round in 0..<rounds {
        let b = localSteps ? round * ranks + rank : round
        optimizer.learningRate = options.learningRate(
          atStep: (epoch - 1) * batchesPerEpoch + min(b, batches - 1), of: options.epochs * batchesPerEpoch)
        var nonFinite: TrainingError?
        if b < batches {
          let indices = order[(b * batchSize)..<min(order.count, (b + 1) * batchSize)]
          // Synchronous: this rank's share of the global batch.
          let share =
            synchronous ? (indices.count * rank / ranks)..<(indices.count * (rank + 1) / ranks) : 0..<indices.count
          fillBatch(data.train, indices, share: share)
          if let modelObjective {
            let step = modelObjective.trainStep(batchX, batchY, optimizer: optimizer, parameters: parameters)
            guard step.loss.isFinite else {
              let culprit = modelObjective.firstNonFiniteLayer(on: batchX)
              throw TrainingError.nonFinite(
                layer: culprit?.layer.name ?? "loss", layerIndex: culprit?.index ?? model.layers.count,
                epoch: epoch, batch: b + 1, lastCheckpoint: run?.hasCheckpoint == true ? run!.checkpointURL.path : nil)
            }
            lossSum += step.loss * Double(indices.count)
            seen += indices.count
            if !step.stepped { optimizer.step(parameters) }
          } else if share.isEmpty {
            for p in parameters { p.gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
          } else {
            let logits = model.forward(batchX, training: true)
            let batchLoss =
              reconstructionLoss.map { $0(logits, batchX, gradient: outputGradient) }
              ?? loss(logits, batchY, gradient: outputGradient)
            if !batchLoss.isFinite {
              let culprit = model.firstNonFiniteLayer(on: batchX)
              nonFinite = TrainingError.nonFinite(
                layer: culprit?.layer.name ?? "loss", layerIndex: culprit?.index ?? model.layers.count,
                epoch: epoch, batch: b + 1, lastCheckpoint: run?.hasCheckpoint == true ? run!.checkpointURL.path : nil)
              if group == nil { throw nonFinite! }
              // The other ranks learn of it from the sum; nothing to add to it.
              for p in parameters { p.gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
            } else {
              lossSum += Double(batchLoss) * Double(share.count)
              if reconstructionLoss == nil { correct += loss.correctPredictions(logits, batchY) }
              seen += share.count
              // The global batch's mean: this rank's mean weighed by its share.
              if synchronous { outputGradient.scale(by: Float(share.count) / Float(indices.count)) }
              model.backward(outputGradient)
            }
          }
        }
        if synchronous {
          // One sum of every gradient, and a flag: any rank's NaN stops all.
          bucket.pack(parameters, \.gradient, extras: [nonFinite == nil ? 0 : 1])
          bucket.sum(over: group!)
          let flags = bucket.unpack(into: parameters, \.gradient, extraCount: 1)
          if flags[0] > 0 { throw agreedNonFinite(nonFinite, group: group!) }
        }
        if b < batches && modelObjective == nil { optimizer.step(parameters) }
        pendingNonFinite = pendingNonFinite ?? nonFinite
        if localSteps && ((round + 1) % averagingPeriod == 0 || round == rounds - 1) {
          try averageParameters(&parameters, nonFinite: pendingNonFinite, epoch: epoch, batch: b + 1)
        }
        if let scheduled = evolution as? ScheduledEvolution, scheduled.schedule.unit == .steps {
          scheduled.time = (epoch - 1) * batchesPerEpoch + b + 1
          if scheduled.isDue {
            if localSteps { try averageParameters(&parameters, nonFinite: pendingNonFinite, epoch: epoch, batch: b + 1) }
            rewireSeconds += try rewireChecked(epoch: epoch)
            parameters = model.parameters
          }
        }
        let elapsed = Date().timeIntervalSince(start)
        display?.update(
          epoch: epoch, epochs: options.epochs, batch: min(batches, (round + 1) * (localSteps ? ranks : 1)),
          batches: batches, loss: lossSum / Double(max(seen, 1)),
          accuracy: objective == .classification ? Double(correct) / Double(max(seen, 1)) : .nan,
          samplesPerSecond: Double(seen * ranks) / elapsed, elapsed: elapsed)
      }
      if let group {
        let totals = group.sum([lossSum, Double(correct), Double(seen)])
        (lossSum, correct, seen) = (totals[0], Int(totals[1]), Int(totals[2]))
      }
      let trainSeconds = Date().timeIntervalSince(start)
      let test =
        modelObjective?.evaluate(test: data.test, train: data.train, batchSize: evaluationBatch)
        ?? { let e = evaluate(data.test); return Evaluation(loss: e.loss, accuracy: e.accuracy) }()
      let isLast = epoch == options.epochs
      var metrics = EpochMetrics(
        epoch: epoch, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
        testLoss: test.loss, testAccuracy: test.accuracy, epochSeconds: 0, rewireSeconds: 0,
        samplesPerSecond: Double(seen) / trainSeconds, connections: model.sparseLayers.map { $0.connectionCount },
        learningRate: Double(optimizer.learningRate), scores: test.scores.isEmpty ? nil : test.scores)
      // A NaN weight need not reach the loss (a ReLU maps NaN to 0): no
      // checkpoint is written over the last good one until every
      // parameter is finite.
      if let culprit = model.firstNonFiniteParameterLayer() {
        throw TrainingError.nonFinite(
          layer: culprit.layer.name, layerIndex: culprit.index, epoch: epoch, batch: batches,
          lastCheckpoint: run?.hasCheckpoint == true ? run!.checkpointURL.path : nil)
      }
      // Checkpoint and degrees before rewiring: what is saved is the model
      // just evaluated.
      try run?.writeCheckpoint(model: model, metrics: metrics)
      if let run, let modelObjective {
        for (name, svg) in modelObjective.pictures(test: data.test, epoch: epoch) {
          try run.write(Data(svg.utf8), named: name)
        }
      }
      if recording && (epoch % options.degreeRecordingPeriod == 0 || isLast) {
        try run!.append(DegreeRecord(epoch: epoch, model: model))
      }
      var due = epoch % max(1, options.evolutionPeriod) == 0
      if let scheduled = evolution as? ScheduledEvolution {
        scheduled.time = epoch
        due = scheduled.schedule.unit == .epochs && scheduled.isDue
      }
      if !isLast && due {
        rewireSeconds += try rewireChecked(epoch: epoch)
        parameters = model.parameters
      }
      metrics.rewireSeconds = rewireSeconds
      metrics.epochSeconds = Date().timeIntervalSince(start)
      metrics.connections = model.sparseLayers.map { $0.connectionCount }
      history.append(metrics)
      // The resume state before the metrics line: a run killed between the
      // two resumes from this epoch and rewrites the log from its history,
      // where the other order would leave a logged epoch with no state.
      // After the last epoch the state goes only once the line is written,
      // so a run with no state has every line (killed between, it trains
      // the last epoch again, to the same bytes).
      if let run, !isLast, options.savesResumeState {
        var state = ResumeState(model: model, optimizerSteps: optimizer.stepCount, history: history)
        state.extraTensors = modelObjective?.resumeTensors ?? [:]
        try run.writeResumeState(state, epoch: epoch)
      }
      try run?.append(metrics)
      if let run, isLast { try run.finishResumeState() }
      let scores = Self.summary(of: metrics, objective: objective)
      display?.finishEpoch(
        String(
          format: "epoch %d/%d  loss %.4f  ", epoch, options.epochs, metrics.trainLoss) + scores
          + String(
            format: "  %.1fs (rewire %.2fs)  %.0f samples/s", metrics.epochSeconds, metrics.rewireSeconds,
            metrics.samplesPerSecond))
    }
    return history
  }

  /// The strategy of these options at another ζ (a layer's own `zeta`),
  /// made once: a plain, unscheduled rewiring at that ζ.
  private func strategy(zeta: Double) -> EvolutionStrategy {
    if let made = zetaStrategies[zeta] { return made }
    var o = options
    o.zeta = zeta
    o.zetaSchedule = .constant
    o.evolutionUnit = .epochs
    o.evolutionEnd = nil
    if o.evolution == .rigl { o.evolution = .set }  // RigL's gradient capture serves the main strategy only
    let made = (try? o.makeEvolution(initialization: .heUniform, windows: model.localWindows)) ?? NoEvolution()
    zetaStrategies[zeta] = made
    return made
  }

  /// Puts the samples at `indices` (a global batch) into `batchX` and
  /// `batchY`, keeping columns `share` of it: this rank's part.
  private func fillBatch(_ train: LabeledData, _ indices: ArraySlice<Int>, share: Range<Int>) {
    let whole = share.count == indices.count
    if let augmentation = options.augmentation {
      // Augmentation draws for the whole batch in order: a rank draws it all
      // and keeps its columns, so its samples look as they would alone.
      let (x, y) = whole ? (batchX, batchY) : (globalX, globalY)
      augmentation.fillBatch(
        from: train, indices, features: x, oneHotLabels: y, scratch: &augmentationScratch, using: &augmentationRNG)
      if !whole {
        batchX.setColumns(share, of: globalX)
        batchY.setColumns(share, of: globalY)
      }
    } else {
      let start = indices.startIndex
      train.fillBatch(
        indices[(start + share.lowerBound)..<(start + share.upperBound)], features: batchX, oneHotLabels: batchY)
    }
  }

  /// Whether `optimizer` steps by SGD (possibly behind gradient clipping).
  static func isSGD(_ optimizer: Optimizer) -> Bool {
    optimizer is SGD || (optimizer as? GradientClippingOptimizer)?.base is SGD
  }

  /// Local steps: every rank's parameters replaced by their mean over the
  /// ranks. A rank that met NaN since the last average stops them all.
  private func averageParameters(_ parameters: inout [Parameter], nonFinite: TrainingError?, epoch: Int, batch: Int) throws {
    guard let group = collective else { return }
    bucket.pack(parameters, \.value, extras: [nonFinite == nil ? 0 : 1])
    bucket.sum(over: group)
    let flags = bucket.unpack(into: parameters, \.value, scale: 1 / Float(group.size), extraCount: 1)
    if flags[0] > 0 { throw agreedNonFinite(nonFinite, group: group) }
  }

  /// The NaN error every rank reports alike: the first layer and batch
  /// any rank found (each found its own, or none).
  private func agreedNonFinite(_ mine: TrainingError?, group: Collective) -> TrainingError {
    var found: (layer: Int, epoch: Int, batch: Int)?
    if case .nonFinite(_, let index, let epoch, let batch, _) = mine { found = (index, epoch, batch) }
    // One number orders them: earliest batch, then first layer.
    let key = found.map { UInt64($0.epoch) << 40 | UInt64($0.batch) << 20 | UInt64($0.layer) } ?? .max
    let first = group.gather(key).min()!
    let (epoch, batch, index) = (Int(first >> 40), Int((first >> 20) & 0xFFFFF), Int(first & 0xFFFFF))
    return TrainingError.nonFinite(
      layer: index < model.layers.count ? model.layers[index].name : "loss", layerIndex: index, epoch: epoch, batch: batch,
      lastCheckpoint: run?.hasCheckpoint == true ? run!.checkpointURL.path : nil)
  }

  /// Rewires every sparse layer once and, with several ranks, proves that
  /// all drew the same topology: each layer's pattern fingerprint is
  /// compared across ranks. Returns the seconds it took.
  private func rewireChecked(epoch: Int) throws -> Double {
    let seconds = rewire()
    try checkRanksAgree(epoch: epoch)
    return seconds
  }

  /// Throws unless every rank holds the same topology in every sparse
  /// layer that is not a shard (fingerprints and parameter counts compared).
  private func checkRanksAgree(epoch: Int) throws {
    guard let group = collective, group.size > 1 else { return }
    // The layers and their sizes first: ranks that disagree there would
    // not even make the same number of the calls below.
    var shape = Fingerprint()
    shape.mix(model.layers.map { $0 is ShardedSparseLayer ? UInt64.max : UInt64($0.parameterCount) })
    let shapes = group.gather(shape.value)
    if Set(shapes).count > 1 {
      throw TrainingError.topologyDiverged(
        layer: "the layers' parameter counts", sparseLayerIndex: -1, epoch: epoch, fingerprints: shapes.map { String($0, radix: 16) })
    }
    // Shards of a sharded layer differ by design.
    let shards = Set(model.layers.compactMap { $0 as? ShardedSparseLayer }.flatMap(\.sparseLayers).map(ObjectIdentifier.init))
    for (index, layer) in model.sparseLayers.enumerated() where !shards.contains(ObjectIdentifier(layer)) {
      let prints = group.gather(layer.pattern.fingerprint)
      if Set(prints).count > 1 {
        throw TrainingError.topologyDiverged(
          layer: layer.name, sparseLayerIndex: index, epoch: epoch,
          fingerprints: prints.map { String($0, radix: 16) })
      }
    }
  }

  /// Rewires every sparse layer once; returns the seconds it took.
  private func rewire() -> Double {
    let t0 = Date()
    // RigL grows where the gradient is largest: one more pass over the last
    // training batch (still in batchX) gives it X and dY for every layer.
    // Its backward must write gradients, not advance a folded velocity.
    let sgd = gradientCapture == nil ? nil : optimizer as? SGD
    sgd?.unfoldMomentum(model.parameters)
    gradientCapture?.capture(model: model, features: batchX, targets: batchY)
    // A sharded layer's shard draws from a stream of its own.
    var shardStreams: [ObjectIdentifier: UInt64] = [:]
    for case let sharded as ShardedSparseLayer in model.layers {
      for layer in sharded.sparseLayers { shardStreams[ObjectIdentifier(layer)] = sharded.rewiringStream }
    }
    for layer in model.sparseLayers {
      var shardRNG = shardStreams[ObjectIdentifier(layer)].map { evolutionRNG.derived($0 &+ 1) }
      func draw(_ rewire: (inout SeededGenerator) -> Void) {
        if shardRNG != nil { rewire(&shardRNG!) } else { rewire(&evolutionRNG) }
        if shardRNG != nil { _ = evolutionRNG.next() }  // the shared stream still moves alike on every rank
      }
      guard let zeta = model.zetaOverrides[ObjectIdentifier(layer)] else {
        draw { _ = evolution.rewire(layer, using: &$0) }
        continue
      }
      if zeta > 0 { draw { _ = strategy(zeta: zeta).rewire(layer, using: &$0) } }
    }
    gradientCapture?.removeAll()
    sgd?.foldMomentum(into: model.parameters)
    return Date().timeIntervalSince(t0)
  }

  /// Mean loss and accuracy of `model` on `data`, in batches of
  /// `batchSize`; a reconstruction's accuracy is 0 (not measured).
  public static func evaluate(
    _ model: Sequential, on data: LabeledData, batchSize: Int = 1000, objective: TrainingObjective = .classification
  ) -> (loss: Double, accuracy: Double) {
    let x = Matrix(rows: 0, columns: 0), y = Matrix(rows: 0, columns: 0), g = Matrix(rows: 0, columns: 0)
    let loss = SoftmaxCrossEntropy()
    var reconstruction: Loss?
    if case .reconstruction(let kind) = objective { reconstruction = kind.makeLoss() }
    var lossSum = 0.0, correct = 0
    let order = Array(0..<data.count)
    for start in stride(from: 0, to: data.count, by: batchSize) {
      let indices = order[start..<min(data.count, start + batchSize)]
      data.fillBatch(indices, features: x, oneHotLabels: y)
      let output = model.forward(x, training: false)
      if let reconstruction {
        lossSum += Double(reconstruction(output, x, gradient: g)) * Double(indices.count)
      } else {
        lossSum += Double(loss(output, y, gradient: g)) * Double(indices.count)
        correct += loss.correctPredictions(output, y)
      }
    }
    return (lossSum / Double(max(data.count, 1)), Double(correct) / Double(max(data.count, 1)))
  }

  /// The evaluation batch size of `options` for a model whose widest layer
  /// has `widest` outputs: reduced for very wide models so that one layer's
  /// output stays within 64 Mi floats (a 10⁶-unit layer would otherwise need
  /// 4 GB a buffer). ``MemoryEstimate`` counts with the same batch.
  static func evaluationBatchSize(_ options: TrainingOptions, widest: Int) -> Int {
    min(max(options.evaluationBatchSize, 1), max(options.batchSize, (64 << 20) / max(widest, 1)))
  }

  var evaluationBatch: Int { Self.evaluationBatchSize(options, widest: model.layers.map(\.outputSize).max() ?? 1) }

  /// The end-of-epoch figures in words: accuracies for a classifier, the
  /// test loss for reconstruction, each model's own scores for the others.
  public static func summary(of m: EpochMetrics, objective: TrainingObjective) -> String {
    if objective == .classification {
      return String(format: "train %.2f%%  test %.2f%%", m.trainAccuracy * 100, m.testAccuracy * 100)
    }
    return summary(of: Evaluation(loss: m.testLoss, accuracy: m.testAccuracy, scores: m.scores ?? [:]), objective: objective)
  }

  /// An evaluation's figures in words (`sprig evaluate`).
  public static func summary(of e: Evaluation, objective: TrainingObjective) -> String {
    let s = e.scores
    switch objective {
    case .classification:
      return String(format: "test %.2f%%", e.accuracy * 100)
    case .reconstruction:
      return String(format: "test loss %.5f", e.loss)
    case .evidenceLowerBound:
      return String(format: "test ELBO %.2f nats", s["elbo"] ?? .nan)
    case .contrastiveDivergence:
      return String(
        format: "test reconstruction error %.3f  AIS log-likelihood %.2f nats (log Z %.2f ± %.2f)", s["reconstruction_error"] ?? .nan,
        s["ais_log_likelihood"] ?? .nan, s["log_partition"] ?? .nan, s["log_partition_standard_error"] ?? .nan)
    case .adversarial:
      return String(format: "Fréchet distance %.2f (classifier features)", s["frechet_distance"] ?? .nan)
    case .triplet:
      return String(format: "test recall@1 %.2f%%  5-NN accuracy %.2f%%", (s["recall_at_1"] ?? .nan) * 100, (s["knn5_accuracy"] ?? .nan) * 100)
    }
  }

  public func evaluate(_ data: LabeledData) -> (loss: Double, accuracy: Double) {
    Self.evaluate(model, on: data, batchSize: evaluationBatch, objective: objective)
  }
}
