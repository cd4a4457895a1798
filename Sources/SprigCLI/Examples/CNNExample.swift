// CNNExample: a small convolutional network on Fashion-MNIST, with a dense or an evolving sparse head.
import Sprig

/// A CNN image classifier, runnable as `sprig example cnn` (dense head) and
/// `sprig example cnn-sparse-head` (SET head):
///
///     Conv2D 3×3 → 32, ReLU, MaxPool 2   (28×28×1 → 14×14×32)
///     Conv2D 3×3 → 64, ReLU, MaxPool 2   (→ 7×7×64)
///     Flatten (3136), head: 3136 → hidden, ReLU, hidden → classes
///
/// With a sparse head the `3136 → hidden` layer is an Erdős–Rényi
/// ``SparseLinear`` at SET's ε, rewired by SET after every epoch by
/// ``Trainer``; the small output layer stays dense (as in the SET
/// reference code). Trained with Adam, batch 128, on standardised pixels.
///
/// No checkpoints are written (``Trainer`` gets `run: nil`): this is the
/// quick comparison; `sprig train --model cnn` trains the same network as a
/// run with checkpoints, resume, evaluate and analyse.
public enum CNNExample {
  /// The fully connected head of the CNN.
  public enum Head: Equatable, Sendable {
    /// Dense `Linear` layers.
    case dense
    /// A `SparseLinear` hidden layer at SET's ε, evolved by SET.
    case sparse(epsilon: Double)
  }

  /// The example CNN for images of `shape` and `classes` classes.
  public static func makeModel(
    shape: ImageShape, classes: Int, hiddenUnits: Int = 128, head: Head, seed: UInt64,
    sparseHeadLearningRateScale: Float = 1
  ) -> Sequential {
    var rng = SeededGenerator(seed: seed)
    let conv1 = Conv2D(input: shape, outputChannels: 32, kernelSize: 3, using: &rng)
    let pool1 = MaxPool2D(input: conv1.outputShape)
    let conv2 = Conv2D(input: pool1.outputShape, outputChannels: 64, kernelSize: 3, using: &rng)
    let pool2 = MaxPool2D(input: conv2.outputShape)
    let features = pool2.outputShape.featureCount
    let hidden: Layer
    switch head {
    case .dense: hidden = Linear(inputSize: features, outputSize: hiddenUnits, using: &rng)
    case .sparse(let epsilon):
      let sparse = SparseLinear(inputSize: features, outputSize: hiddenUnits, epsilon: epsilon, using: &rng)
      for p in sparse.parameters { p.learningRateScale = sparseHeadLearningRateScale }
      hidden = sparse
    }
    return Sequential([
      conv1, ReLU(size: conv1.outputSize), pool1,
      conv2, ReLU(size: conv2.outputSize), pool2,
      Flatten(shape: pool2.outputShape),
      hidden, ReLU(size: hiddenUnits),
      Linear(inputSize: hiddenUnits, outputSize: classes, using: &rng),
    ])
  }

  /// The training settings of the example: Adam at 1e-3 with a cosine
  /// schedule, batch 128, SET's ζ (0.3 by default) for sparse layers, evaluation in
  /// batches of 500 (the im2col buffer grows with the batch).
  public static func options(epochs: Int, zeta: Double = 0.3, seed: UInt64) -> TrainingOptions {
    var o = TrainingOptions()
    o.epochs = epochs
    o.batchSize = 128
    o.optimizer = .adam
    o.learningRate = 1e-3
    o.weightDecay = 0
    o.learningRateSchedule = .cosine
    o.zeta = zeta
    o.seed = seed
    o.evaluationBatchSize = 500
    return o
  }

  /// Trains the example CNN on `split` (already normalised) and returns its metrics.
  ///
  /// - Parameters:
  ///   - head: dense, or sparse at SET's ε.
  ///   - hiddenUnits: the width of the head's hidden layer.
  ///   - zeta: SET's ζ, the fraction of each sign's head weights rewired after each epoch.
  public static func run(
    on split: DatasetSplit, head: Head, hiddenUnits: Int = 128, epochs: Int = 5, zeta: Double = 0.3, seed: UInt64 = 0,
    sparseHeadLearningRateScale: Float = 1, display: ProgressDisplay? = nil
  ) throws -> ClassifierExampleResult {
    let model = makeModel(
      shape: split.train.shape, classes: split.train.classCount, hiddenUnits: hiddenUnits, head: head, seed: seed,
      sparseHeadLearningRateScale: sparseHeadLearningRateScale)
    let trainer = Trainer(model: model, options: options(epochs: epochs, zeta: zeta, seed: seed), run: nil, display: display)
    let history = try trainer.fit(split)
    let headName: String
    switch head {
    case .dense: headName = "dense head"
    case .sparse(let epsilon): headName = "SET head ε=\(epsilon)"
    }
    return ClassifierExampleResult(
      title: "CNN (\(headName)) on \(split.name)", layerNames: model.layers.map(\.name),
      parameterCount: model.parameterCount, headWeights: headWeightCount(model), history: history)
  }
}
