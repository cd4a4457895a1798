// `sprig train`: build a (sparse) MLP, train it, log metrics, write checkpoints.
import ArgumentParser
import Foundation
import Sprig

/// Training presets: Sprig's tuned defaults, or the SET paper's settings.
enum Preset: String, ExpressibleByArgument, CaseIterable {
  case sprig
  case setPaper = "set-paper"
}

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a sparse (SET) or dense MLP classifier.",
    discussion: """
      Defaults: Fashion-MNIST, three hidden layers of 1000 ReLU units, Erdős–Rényi at ε=20, SET with ζ=0.3 \
      after every epoch, SGD momentum 0.9 with lr 0.2 (0.05 with --dense) cosine-annealed to zero, weight decay 5e-4, no dropout, \
      batch 128, 10 epochs, standardised inputs. \
      --preset set-paper switches to the SET paper's settings (lr 0.01, weight decay 2e-4, dropout 0.3, SReLU); \
      explicit options override the preset.
      """)

  @OptionGroup var data: DataOptions

  @Option(help: "Settings to start from: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
  var preset: Preset = .sprig

  @Option(help: "Hidden layer sizes, comma-separated.")
  var hidden: String = "1000,1000,1000"
  @Option(help: "Hidden activation: \(ActivationKind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var activation: ActivationKind?
  @Option(help: "Sparsity ε (connections ≈ ε·(n_in + n_out) per layer).")
  var epsilon: Double = 20
  @Flag(help: "Train a dense MLP (no sparse layers, no evolution).")
  var dense = false
  @Flag(help: "Keep the output layer dense, as the SET reference code does.")
  var denseOutput = false
  @Option(help: "SET's ζ: fraction of weights of each sign rewired after each epoch (0: fixed topology).")
  var zeta: Double = 0.3
  @Option(help: "Initial wiring: er, erk, local (first layer 5×5 windows, 16 maps), small-world, scale-free, file:PATH (.mtx for the first layer).")
  var topology: String = "er"
  @Option(help: "Evolution: none, set, set-local, set-distance, rigl.")
  var evolution: EvolutionKind = .set
  @Option(help: "ζ over the run: constant or cosine (annealed to 0, as RigL).")
  var zetaSchedule: EvolutionSchedule.Decay = .constant
  @Option(help: "Rewire every N epochs (or steps, with --evolution-unit steps).")
  var evolutionPeriod: Int = 1
  @Option(help: "What --evolution-period and --evolution-end count: epochs or steps.")
  var evolutionUnit: EvolutionSchedule.Unit = .epochs
  @Option(help: "Stop evolving at this epoch (or step); a cosine ζ anneals to 0 there.")
  var evolutionEnd: Int?
  @Option(help: "Scale of regrown weights relative to the initialization (SET regrows small weights).")
  var regrowthScale: Float?

  @Option(help: "Epochs.") var epochs: Int = 10
  @Option(help: "Mini-batch size.") var batchSize: Int = 128
  @Option(help: "Optimizer: sgd or adam.") var optimizer: OptimizerKind = .sgd
  @Option(help: "Learning rate.") var learningRate: Float?
  @Option(help: "SGD momentum.") var momentum: Float?
  @Flag(help: "Nesterov momentum.") var nesterov = false
  @Option(help: "L2 weight decay on weights.") var weightDecay: Float?
  @Option(help: "Learning-rate schedule: constant or cosine (annealed to zero).")
  var lrSchedule: LearningRateSchedule?
  @Option(help: "Dropout rate after each hidden activation.") var dropout: Float?
  @Option(help: "Input scaling: standardize (per feature, from the training split) or unit ([0,1]).")
  var normalization: Normalization = .standardize
  @Option(help: "Record sparse layers' degrees every N epochs into degrees.jsonl (0: never), for `sprig analyze`.")
  var recordDegrees: Int = 0
  @Option(help: "Random seed (topology, weights, shuffling, evolution).") var seed: UInt64 = 0
  @Option(help: "Threads for kernels and BLAS (default: $SPRIG_THREADS or all cores).") var threads: Int?
  @Option(name: .customLong("out"), help: "Run folder for metrics.jsonl and model.safetensors (default: a new folder under runs/).")
  var output: String?
  @Flag(help: "Shift training images by up to 10 % of their width and flip them left–right (CIFAR-10's usual augmentation).")
  var augment = false
  @Flag(help: "Go on with the unfinished run in --out (same options), from the epoch after its last saved one.")
  var resume = false
  @Flag(help: "Print only the final line.") var quiet = false

  func validate() throws {
    guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs).") }
    guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize).") }
    guard epsilon > 0 else { throw ValidationError("--epsilon must be positive, got \(epsilon).") }
    guard (0...1).contains(zeta) else { throw ValidationError("--zeta must be in [0, 1], got \(zeta).") }
    if let dropout, !(0..<1).contains(dropout) { throw ValidationError("--dropout must be in [0, 1), got \(dropout).") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads).") }
    _ = try hiddenSizes()
    guard TopologyKind(argument: topology) != nil else {
      throw ValidationError("--topology takes er, erk, local, small-world, scale-free or file:PATH; got \"\(topology)\".")
    }
  }

  func hiddenSizes() throws -> [Int] {
    let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
      throw ValidationError("--hidden takes positive sizes separated by commas, e.g. 1000,1000,1000; got \"\(hidden)\".")
    }
    return parts.map { $0! }
  }

  /// Options after applying the preset and then the explicit flags.
  func trainingOptions() -> (TrainingOptions, ActivationKind, Float) {
    var o = preset == .setPaper ? TrainingOptions.setPaper : TrainingOptions()
    var activation = ActivationKind.relu
    var dropout: Float = 0
    if preset == .setPaper { activation = .srelu; dropout = 0.3 }
    o.epochs = epochs
    o.batchSize = batchSize
    o.optimizer = optimizer
    if optimizer == .adam && learningRate == nil { o.learningRate = 1e-3 }
    // A dense layer sums 1000 inputs where a sparse one sums ~40: the sparse
    // default of 0.2 makes a dense MLP diverge in its first epoch.
    if dense && optimizer == .sgd && learningRate == nil && preset == .sprig { o.learningRate = 0.05 }
    if let learningRate { o.learningRate = learningRate }
    if let momentum { o.momentum = momentum }
    if let weightDecay { o.weightDecay = weightDecay }
    if let lrSchedule { o.learningRateSchedule = lrSchedule }
    o.nesterov = nesterov
    o.zeta = dense ? 0 : zeta
    o.evolutionPeriod = evolutionPeriod
    o.evolution = evolution
    o.zetaSchedule = zetaSchedule
    o.evolutionUnit = evolutionUnit
    o.evolutionEnd = evolutionEnd
    if let regrowthScale { o.regrowthScale = regrowthScale }
    o.seed = seed
    o.degreeRecordingPeriod = recordDegrees
    return (o, self.activation ?? activation, self.dropout ?? dropout)
  }

  func run() throws {
    if resume && output == nil { throw ValidationError("--resume needs --out FOLDER: the run folder to go on with.") }
    if let threads { Parallel.threadCount = threads }
    if dense, let warning = BLAS.coreMismatchWarning {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    var (options, activation, dropout) = trainingOptions()
    let datasetName = data.dataset ?? .fashionMNIST
    var split = try data.load(fallback: datasetName)
    if augment {
      guard split.train.shape.height > 1 && split.train.shape.width > 1 else {
        throw ValidationError("--augment needs images; \(split.name) has samples of shape \(split.train.shape).")
      }
      options.augmentation = .reference(for: split.train.shape)
    }
    let scaling = split.normalize(normalization)
    var config = MLPConfiguration(
      inputSize: split.train.featureCount, hiddenSizes: try hiddenSizes(), outputSize: split.train.classCount,
      activation: activation, epsilon: dense ? nil : epsilon, denseOutputLayer: denseOutput, dropout: dropout)
    config.topology = TopologyKind(argument: topology)!
    config.imageShape = split.train.shape
    let model = try config.makeModel(seed: seed)
    let windows = try config.localWindows().map { [(layer: model.sparseLayers[0], windows: $0)] } ?? []
    let url = output.map { URL(fileURLWithPath: $0) } ?? RunDirectory.freshURL(name: "\(split.name)-seed\(seed)")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let optionsJSON = String(decoding: try encoder.encode(options), as: UTF8.self)
    if resume { try checkResumable(url, options: optionsJSON) }
    let run = try RunDirectory(
      url: url, scaling: scaling,
      info: [
        "dataset": split.name,
        "image_shape": "\(split.train.shape.height)x\(split.train.shape.width)x\(split.train.shape.channels)",
        "normalization": normalization.rawValue,
        "model": String(decoding: try encoder.encode(config), as: UTF8.self),
        "options": optionsJSON,
      ], resuming: resume)
    let display = ProgressDisplay()
    if !quiet {
      display.message(
        "sprig train: \(split.name) (\(split.train.count) train, \(split.test.count) test), "
          + "\(model.layers.filter { $0 is SparseLinear || $0 is Linear }.map { $0.name }.joined(separator: ", ")), "
          + "\(model.connectionCount) connections, \(threadsPhrase(Parallel.threadCount)), seed \(seed)")
      display.message("run folder: \(url.path)")
    }
    let trainer = Trainer(
      model: model, options: options, evolution: try options.makeEvolution(initialization: config.initialization, windows: windows),
      run: run, display: quiet ? nil : display)
    if resume {
      try trainer.resume(from: run.resumeURL)
      if !quiet { display.message("resumed after epoch \(trainer.history.count) of \(options.epochs)") }
    }
    let history = try trainer.fit(split)
    let last = history.last!
    let medianEpoch = history.map(\.epochSeconds).sorted()[history.count / 2]
    display.message(
      String(format: "final test accuracy %.2f%% (best %.2f%%), median epoch %.2fs", last.testAccuracy * 100,
        history.map(\.testAccuracy).max()! * 100, medianEpoch) + "; checkpoint \(run.checkpointURL.path)")
  }

  /// Fails with what to do unless `url` holds an unfinished run trained with `options`.
  func checkResumable(_ url: URL, options: String) throws {
    let state = url.appendingPathComponent("resume.safetensors")
    guard FileManager.default.fileExists(atPath: state.path) else {
      throw ValidationError(
        "\(url.path) has no resume.safetensors: the run finished, or never completed an epoch. Start it again without --resume.")
    }
    let checkpoint = url.appendingPathComponent("model.safetensors")
    if let saved = try? Checkpoint(contentsOf: checkpoint).info["options"], saved != options {
      throw ValidationError(
        "\(url.path) was trained with other options (\(saved)); pass the same flags as the run you resume.")
    }
  }
}
