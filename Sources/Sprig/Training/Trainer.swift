// Trainer: the mini-batch loop — shuffle, forward, loss, backward, step;
// evaluate, checkpoint and evolve after every epoch.
import Foundation

/// Trains a classifier with softmax cross-entropy, evolving its sparse
/// layers between epochs.
///
/// Each epoch: reshuffle from the seed, run every mini-batch (forward,
/// fused softmax cross-entropy, backward, optimizer step), evaluate on the
/// test split, hand the metrics to `run` (which logs them and writes the
/// checkpoint), then rewire every sparse layer — except after the last
/// epoch, so the final checkpoint is exactly the model that was evaluated.
public final class Trainer {
  public let model: Sequential
  public let options: TrainingOptions
  public let optimizer: Optimizer
  public let evolution: EvolutionStrategy
  /// Where metrics and checkpoints go (nil: nowhere).
  public let run: RunDirectory?
  public let display: ProgressDisplay?
  /// Metrics of the epochs trained so far.
  public private(set) var history: [EpochMetrics] = []

  private let loss = SoftmaxCrossEntropy()
  /// RigL's view of the last batch's activations and gradients, when it evolves the model.
  private let gradientCapture: GradientCapture?
  private var shuffleRNG: SeededGenerator
  private var evolutionRNG: SeededGenerator
  // Reused every batch: a step allocates nothing.
  private let batchX = Matrix(rows: 0, columns: 0)
  private let batchY = Matrix(rows: 0, columns: 0)
  private let outputGradient = Matrix(rows: 0, columns: 0)

  public init(
    model: Sequential, options: TrainingOptions, optimizer: Optimizer? = nil, evolution: EvolutionStrategy? = nil,
    run: RunDirectory? = nil, display: ProgressDisplay? = nil
  ) {
    self.model = model
    self.options = options
    self.optimizer = optimizer ?? options.makeOptimizer()
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
    let root = SeededGenerator(seed: options.seed)
    shuffleRNG = root.derived(1)
    evolutionRNG = root.derived(2)
  }

  /// Trains for `options.epochs` epochs on `data.train`, evaluating on `data.test`.
  @discardableResult
  public func fit(_ data: DatasetSplit) throws -> [EpochMetrics] {
    guard data.train.featureCount == model.inputSize, data.train.classCount <= model.outputSize else {
      throw TrainingError.shapeMismatch(
        "The data has \(data.train.featureCount) features and \(data.train.classCount) classes; the model takes \(model.inputSize) inputs and has \(model.outputSize) outputs. Build the model for this dataset.")
    }
    let parameters = model.parameters
    let batchSize = options.batchSize
    let batchesPerEpoch = (data.train.count + batchSize - 1) / batchSize
    guard options.epochs > history.count else { return history }
    let recording = options.degreeRecordingPeriod > 0 && run != nil
    if recording && history.isEmpty { try run!.append(DegreeRecord(epoch: 0, model: model)) }
    for epoch in (history.count + 1)...options.epochs {
      let start = Date()
      let order = data.train.shuffledOrder(using: &shuffleRNG)
      let batches = (order.count + batchSize - 1) / batchSize
      var lossSum = 0.0, correct = 0, seen = 0
      var rewireSeconds = 0.0
      for b in 0..<batches {
        let indices = order[(b * batchSize)..<min(order.count, (b + 1) * batchSize)]
        optimizer.learningRate = options.learningRate(
          atStep: (epoch - 1) * batchesPerEpoch + b, of: options.epochs * batchesPerEpoch)
        data.train.fillBatch(indices, features: batchX, oneHotLabels: batchY)
        let logits = model.forward(batchX, training: true)
        let batchLoss = loss(logits, batchY, gradient: outputGradient)
        guard batchLoss.isFinite else {
          let culprit = model.firstNonFiniteLayer(on: batchX)
          throw TrainingError.nonFinite(
            layer: culprit?.layer.name ?? "loss", layerIndex: culprit?.index ?? model.layers.count,
            epoch: epoch, batch: b + 1, lastCheckpoint: run?.hasCheckpoint == true ? run!.checkpointURL.path : nil)
        }
        lossSum += Double(batchLoss) * Double(indices.count)
        correct += loss.correctPredictions(logits, batchY)
        seen += indices.count
        model.backward(outputGradient)
        optimizer.step(parameters)
        if let scheduled = evolution as? ScheduledEvolution, scheduled.schedule.unit == .steps {
          scheduled.time = (epoch - 1) * batchesPerEpoch + b + 1
          if scheduled.isDue { rewireSeconds += rewire() }
        }
        let elapsed = Date().timeIntervalSince(start)
        display?.update(
          epoch: epoch, epochs: options.epochs, batch: b + 1, batches: batches, loss: lossSum / Double(seen),
          accuracy: Double(correct) / Double(seen), samplesPerSecond: Double(seen) / elapsed, elapsed: elapsed)
      }
      let trainSeconds = Date().timeIntervalSince(start)
      let test = evaluate(data.test)
      let isLast = epoch == options.epochs
      var metrics = EpochMetrics(
        epoch: epoch, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
        testLoss: test.loss, testAccuracy: test.accuracy, epochSeconds: 0, rewireSeconds: 0,
        samplesPerSecond: Double(seen) / trainSeconds, connections: model.sparseLayers.map { $0.connectionCount },
        learningRate: Double(optimizer.learningRate))
      // Checkpoint and degrees before rewiring: what is saved is the model
      // just evaluated.
      try run?.writeCheckpoint(model: model, metrics: metrics)
      if recording && (epoch % options.degreeRecordingPeriod == 0 || isLast) {
        try run!.append(DegreeRecord(epoch: epoch, model: model))
      }
      var due = epoch % max(1, options.evolutionPeriod) == 0
      if let scheduled = evolution as? ScheduledEvolution {
        scheduled.time = epoch
        due = scheduled.schedule.unit == .epochs && scheduled.isDue
      }
      if !isLast && due { rewireSeconds += rewire() }
      metrics.rewireSeconds = rewireSeconds
      metrics.epochSeconds = Date().timeIntervalSince(start)
      metrics.connections = model.sparseLayers.map { $0.connectionCount }
      history.append(metrics)
      try run?.append(metrics)
      display?.finishEpoch(
        String(
          format: "epoch %d/%d  loss %.4f  train %.2f%%  test %.2f%%  %.1fs (rewire %.2fs)  %.0f samples/s",
          epoch, options.epochs, metrics.trainLoss, metrics.trainAccuracy * 100, metrics.testAccuracy * 100,
          metrics.epochSeconds, metrics.rewireSeconds, metrics.samplesPerSecond))
    }
    return history
  }

  /// Rewires every sparse layer once; returns the seconds it took.
  private func rewire() -> Double {
    let t0 = Date()
    // RigL grows where the gradient is largest: one more pass over the last
    // training batch (still in batchX) gives it X and dY for every layer.
    gradientCapture?.capture(model: model, features: batchX, targets: batchY)
    for layer in model.sparseLayers { _ = evolution.rewire(layer, using: &evolutionRNG) }
    gradientCapture?.removeAll()
    return Date().timeIntervalSince(t0)
  }

  /// Mean loss and accuracy of `model` on `data`, in batches of `batchSize`.
  public static func evaluate(_ model: Sequential, on data: LabeledData, batchSize: Int = 1000) -> (loss: Double, accuracy: Double) {
    let x = Matrix(rows: 0, columns: 0), y = Matrix(rows: 0, columns: 0), g = Matrix(rows: 0, columns: 0)
    let loss = SoftmaxCrossEntropy()
    var lossSum = 0.0, correct = 0
    let order = Array(0..<data.count)
    for start in stride(from: 0, to: data.count, by: batchSize) {
      let indices = order[start..<min(data.count, start + batchSize)]
      data.fillBatch(indices, features: x, oneHotLabels: y)
      let logits = model.forward(x, training: false)
      lossSum += Double(loss(logits, y, gradient: g)) * Double(indices.count)
      correct += loss.correctPredictions(logits, y)
    }
    return (lossSum / Double(max(data.count, 1)), Double(correct) / Double(max(data.count, 1)))
  }

  /// Mean loss and accuracy on `data` with this trainer's evaluation batch
  /// size, reduced for very wide models so that one layer's output stays
  /// within 64 Mi floats (a 10⁶-unit layer would otherwise need 4 GB a buffer).
  public func evaluate(_ data: LabeledData) -> (loss: Double, accuracy: Double) {
    let widest = model.layers.map(\.outputSize).max() ?? 1
    let batch = min(options.evaluationBatchSize, max(options.batchSize, (64 << 20) / widest))
    return Self.evaluate(model, on: data, batchSize: batch)
  }
}
