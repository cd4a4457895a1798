// SequenceExample: an LSTM or GRU reading MNIST images row by row.
import Sprig

/// A recurrent classifier of images read one pixel row per time step
/// (28 steps of 28 pixels for MNIST), runnable as `sprig example lstm` and
/// `sprig example gru`:
///
///     Recurrent(cell 28 → hidden, 28 steps, last state), Linear hidden → classes
///
/// The image's 784 features are already step-major for ``Recurrent``
/// (row `y` of the image is step `y`), so no reshaping is needed. Trained
/// with Adam and gradient clipping at norm 5 (``GradientClippingOptimizer``);
/// no checkpoints (``Trainer`` gets `run: nil`).
public enum SequenceExample {
  /// Which recurrent cell reads the rows.
  public enum CellKind: String, CaseIterable, Sendable {
    case lstm, gru, rnn
  }

  /// The row-by-row classifier for images of `shape`.
  public static func makeModel(
    shape: ImageShape, classes: Int, cell kind: CellKind, hiddenSize: Int = 128, seed: UInt64
  ) -> Sequential {
    var rng = SeededGenerator(seed: seed)
    let rowSize = shape.width * shape.channels
    let cell: RecurrentCell
    switch kind {
    case .lstm: cell = LSTMCell(inputSize: rowSize, hiddenSize: hiddenSize, using: &rng)
    case .gru: cell = GRUCell(inputSize: rowSize, hiddenSize: hiddenSize, using: &rng)
    case .rnn: cell = RNNCell(inputSize: rowSize, hiddenSize: hiddenSize, using: &rng)
    }
    return Sequential([
      Recurrent(cell: cell, steps: shape.height),
      Linear(inputSize: hiddenSize, outputSize: classes, initialization: .glorotUniform, using: &rng),
    ])
  }

  /// Trains the row-by-row classifier on `split` (already normalised).
  ///
  /// - Parameters:
  ///   - learningRate: Adam's rate, annealed by a cosine schedule.
  ///   - maxGradientNorm: the global norm gradients are clipped to.
  public static func run(
    on split: DatasetSplit, cell: CellKind, hiddenSize: Int = 128, epochs: Int = 5, learningRate: Float = 2e-3,
    maxGradientNorm: Float = 5, seed: UInt64 = 0, display: ProgressDisplay? = nil
  ) throws -> ClassifierExampleResult {
    let model = makeModel(shape: split.train.shape, classes: split.train.classCount, cell: cell, hiddenSize: hiddenSize, seed: seed)
    var o = TrainingOptions()
    o.epochs = epochs
    o.batchSize = 128
    o.optimizer = .adam
    o.learningRate = learningRate
    o.weightDecay = 0
    o.learningRateSchedule = .cosine
    o.zeta = 0
    o.seed = seed
    o.evaluationBatchSize = 1000
    let optimizer = GradientClippingOptimizer(Adam(learningRate: learningRate), maxNorm: maxGradientNorm)
    let trainer = Trainer(model: model, options: o, optimizer: optimizer, run: nil, display: display)
    let history = try trainer.fit(split)
    return ClassifierExampleResult(
      title: "\(cell.rawValue.uppercased()) \(hiddenSize) over \(split.train.shape.height) rows of \(split.name)",
      layerNames: model.layers.map(\.name), parameterCount: model.parameterCount, headWeights: headWeightCount(model),
      history: history)
  }
}
