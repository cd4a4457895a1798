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
    abstract: "Train any model: a named one (--model cnn), a description file (--model PATH.json), or the MLP the flags describe.",
    discussion: """
      Models: \(ModelName.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")). \
      --print-model prints the description a name and the options resolve to; edit it and pass it back as --model PATH.json. \
      Training options given on the command line override the description's "training" block. \
      Without --model: Fashion-MNIST and the dataset's MLP recipe: three hidden layers of 1000 ReLU units \
      (4000-1000-4000 on CIFAR-10), Erdős–Rényi at ε=20, SET with ζ=0.3 after every epoch, SGD momentum 0.9 with lr 0.2 \
      cosine-annealed to zero (× 256/fan-in for layers with wider inputs), weight decay 5e-4, batch 128 (64 on CIFAR-10), \
      10 epochs, standardised inputs; MNIST shifted up to 2 pixels, Fashion-MNIST mirrored with dropout 0.2, \
      CIFAR-10 shifted 3 pixels and mirrored. \
      --preset set-paper switches to the SET paper's settings (lr 0.01, weight decay 2e-4, dropout 0.3, SReLU); \
      explicit options override the preset.
      """)

  @OptionGroup var data: DataOptions

  @Option(help: "The model: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")), or a model description PATH.json (default: the MLP of the MLP options).")
  var model: String?
  @Flag(help: "Print the model description (JSON, with its training settings) and exit without training.")
  var printModel = false
  @Flag(help: "Print the memory training this model needs, per layer, beside the memory available, and exit without training.")
  var estimate = false
  @Option(
    help: "Refuse to start when the model's memory estimate exceeds this (e.g. 8G, 512M; default: the memory available, which is always a limit too).")
  var memoryLimit: String?

  @Option(help: "Settings to start from (MLPs): \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
  var preset: Preset = .sprig

  @Option(help: "MLP: hidden layer sizes, comma-separated (default 1000,1000,1000).")
  var hidden: String?
  @Option(help: "MLP: hidden activation: \(ActivationKind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var activation: ActivationKind?
  @Option(help: "MLP: sparsity ε (connections ≈ ε·(n_in + n_out) per layer; default 20).")
  var epsilon: Double?
  @Flag(help: "MLP: train a dense MLP (no sparse layers, no evolution).")
  var dense = false
  @Flag(help: "MLP: keep the output layer dense, as the SET reference code does.")
  var denseOutput = false
  @Option(help: "MLP: initial wiring: er, erk, local (first layer 5×5 windows, 16 maps), small-world, scale-free, file:PATH (.mtx for the first layer).")
  var topology: String?
  @Option(help: "MLP: dropout rate after each hidden activation.") var dropout: Float?

  @Option(help: "SET's ζ: fraction of weights of each sign rewired after each epoch (0: fixed topology).")
  var zeta: Double?
  @Option(help: "Evolution: none, set, set-local, set-distance, rigl.")
  var evolution: EvolutionKind?
  @Option(help: "ζ over the run: constant or cosine (annealed to 0, as RigL).")
  var zetaSchedule: EvolutionSchedule.Decay?
  @Option(help: "Rewire every N epochs (or steps, with --evolution-unit steps).")
  var evolutionPeriod: Int?
  @Option(help: "What --evolution-period and --evolution-end count: epochs or steps.")
  var evolutionUnit: EvolutionSchedule.Unit?
  @Option(help: "Stop evolving at this epoch (or step); a cosine ζ anneals to 0 there.")
  var evolutionEnd: Int?
  @Option(help: "Scale of regrown weights relative to the initialization (SET regrows small weights).")
  var regrowthScale: Float?
  @Option(help: "Sparse layers' activations and gradients: fp32, or bf16 (half the bytes, FP32 weights and sums).")
  var activationPrecision: ActivationPrecision?

  @Option(help: "Epochs (default 10).") var epochs: Int?
  @Option(help: "Mini-batch size (default 128).") var batchSize: Int?
  @Option(help: "Samples per forward pass when evaluating (default 1000; changes memory and speed, not results).")
  var evaluationBatchSize: Int?
  @Option(help: "Optimizer: sgd or adam.") var optimizer: OptimizerKind?
  @Option(help: "Learning rate.") var learningRate: Float?
  @Option(help: "SGD momentum.") var momentum: Float?
  @Flag(help: "Nesterov momentum.") var nesterov = false
  @Option(name: .customLong("adam-beta1"), help: "Adam's first-moment decay β₁ (default 0.9; the GAN models use 0.5).")
  var adamBeta1: Float?
  @Option(name: .customLong("adam-beta2"), help: "Adam's second-moment decay β₂ (default 0.999).") var adamBeta2: Float?
  @Option(help: "L2 weight decay on weights.") var weightDecay: Float?
  @Option(help: "SGD: layers whose units see more inputs than N train at the rate × N/fan-in, so wide dense layers do not diverge (default 256; 0: off).")
  var referenceFanIn: Int?
  @Option(help: "Learning-rate schedule: constant or cosine (annealed to zero).")
  var lrSchedule: LearningRateSchedule?
  @Option(help: "Clip the gradients' global norm to this before each step.") var maxGradientNorm: Float?
  @Option(help: "RBMs: chains of the per-epoch AIS estimate of log Z (default 100).") var aisRuns: Int?
  @Option(help: "RBMs: intermediate distributions of that estimate (default 2000).") var aisSteps: Int?
  @Option(help: "Input scaling: standardize (per feature, from the training split) or unit ([0,1]; the default for reconstruction models).")
  var normalization: Normalization?
  @Option(help: "Record sparse layers' degrees every N epochs into degrees.jsonl (0: never), for `sprig analyze`.")
  var recordDegrees: Int?
  @Option(help: "Random seed (topology, weights, shuffling, evolution).") var seed: UInt64 = 0
  @Option(help: "Threads for kernels and BLAS (default: $SPRIG_THREADS or all cores).") var threads: Int?
  @Option(name: .customLong("out"), help: "Run folder for metrics.jsonl and model.safetensors (default: a new folder under runs/).")
  var output: String?
  @Flag(help: "Shift training images by up to 10 % of their width and flip them left–right (CIFAR-10's usual augmentation).")
  var augment = false
  @Option(help: "Shift training images by up to N pixels each way (edge pixels repeated); 0: no shifts. Overrides --augment's and the defaults' shift.")
  var shift: Int?
  @Flag(inversion: .prefixedNo, help: "Mirror half of the training images left–right (or not); overrides --augment's and the defaults' choice.")
  var flip: Bool?
  @Flag(help: "Go on with the unfinished run in --out (same options), from the epoch after its last saved one.")
  var resume = false
  @Flag(help: "Print only the final line.") var quiet = false
  @Flag(help: "Train on every rank `mpirun` started (sprig-mpi only): each takes its share of every batch and the gradients are summed over MPI. Threads per rank default to the cores mpirun bound the rank to (or the machine's cores over its ranks).")
  var distributed = false
  @Option(help: "With --distributed: local steps instead, each rank on its own batches, parameters averaged every N steps (WASAP-style).")
  var averageEvery: Int?

  /// The MLP options given, by flag name: they describe the MLP built when there is no --model.
  var mlpFlagsGiven: [String] {
    var given: [String] = []
    if hidden != nil { given.append("--hidden") }
    if activation != nil { given.append("--activation") }
    if epsilon != nil { given.append("--epsilon") }
    if dense { given.append("--dense") }
    if denseOutput { given.append("--dense-output") }
    if topology != nil { given.append("--topology") }
    if dropout != nil { given.append("--dropout") }
    if preset != .sprig { given.append("--preset") }
    return given
  }

  func validate() throws {
    for (name, value) in [
      ("--epochs", epochs), ("--batch-size", batchSize), ("--evaluation-batch-size", evaluationBatchSize), ("--evolution-period", evolutionPeriod), ("--ais-runs", aisRuns),
      ("--ais-steps", aisSteps),
    ] {
      if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value).") }
    }
    if let shift, shift < 0 { throw ValidationError("--shift must be 0 or more pixels, got \(shift).") }
    if let referenceFanIn, referenceFanIn < 0 { throw ValidationError("--reference-fan-in must be 0 (off) or positive, got \(referenceFanIn).") }
    if let epsilon, epsilon <= 0 { throw ValidationError("--epsilon must be positive, got \(epsilon).") }
    if let zeta, !(0...1).contains(zeta) { throw ValidationError("--zeta must be in [0, 1], got \(zeta).") }
    for (name, value) in [("--adam-beta1", adamBeta1), ("--adam-beta2", adamBeta2)] {
      if let value, !(0..<1).contains(value) { throw ValidationError("\(name) must be in [0, 1), got \(value).") }
    }
    if let dropout, !(0..<1).contains(dropout) { throw ValidationError("--dropout must be in [0, 1), got \(dropout).") }
    if let memoryLimit, ByteCount.parse(memoryLimit) == nil {
      throw ValidationError("--memory-limit must be a size such as 8G, 512M or 1000000 (bytes), got \"\(memoryLimit)\".")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads).") }
    if let averageEvery {
      guard distributed else { throw ValidationError("--average-every averages over the ranks of --distributed; add --distributed.") }
      guard averageEvery > 0 else { throw ValidationError("--average-every must be positive, got \(averageEvery).") }
    }
    if let maxGradientNorm, !(maxGradientNorm > 0) {
      throw ValidationError("--max-gradient-norm must be positive, got \(maxGradientNorm).")
    }
    if model != nil, let flag = mlpFlagsGiven.first {
      throw ValidationError(
        "\(flag) describes the MLP built without --model; with --model, change the description instead (--print-model prints it, edit it and pass it back as --model PATH.json).")
    }
    _ = try hiddenSizes()
    if let topology, TopologyKind(argument: topology) == nil {
      throw ValidationError("--topology takes er, erk, local, small-world, scale-free or file:PATH; got \"\(topology)\".")
    }
  }

  /// The catalogue dataset trained on (nil for IDX files given by path),
  /// for ``MLPRecipe``.
  var recipeDataset: DatasetName? { data.readsFiles ? nil : data.dataset ?? .fashionMNIST }

  /// The sizes --hidden gives (nil: the recipe's).
  func hiddenSizes() throws -> [Int]? {
    guard let hidden else { return nil }
    let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
      throw ValidationError("--hidden takes positive sizes separated by commas, e.g. 1000,1000,1000; got \"\(hidden)\".")
    }
    return parts.map { $0! }
  }

  /// The MLP the MLP options describe, for `features` inputs of `shape` and
  /// `classes` classes: ``MLPRecipe``'s for the dataset (or its
  /// ``MLPRecipe/setPaper(for:dataset:)`` variant), with every MLP flag
  /// given put over it.
  func mlpDescription(shape: ImageShape, classes: Int) throws -> ModelDescription {
    let recipe = preset == .setPaper
      ? MLPRecipe.setPaper(for: shape, dataset: recipeDataset) : MLPRecipe(for: shape, dataset: recipeDataset)
    var config = recipe.configuration(shape: shape, classes: classes, sparse: !dense)
    if let sizes = try hiddenSizes() { config.hiddenSizes = sizes }
    if let activation { config.activation = activation }
    if !dense, let epsilon { config.epsilon = epsilon }
    config.denseOutputLayer = denseOutput
    if let dropout { config.dropout = dropout }
    config.topology = TopologyKind(argument: topology ?? "er")!
    return try config.description(name: dense ? "mlp" : "set-mlp", training: recipe.training(sparse: !dense))
  }

  /// The description's training settings (or the defaults), with every
  /// training option given on the command line put over them.
  func trainingOptions(over base: TrainingOptions?) -> TrainingOptions {
    var o = base ?? TrainingOptions()
    if let epochs { o.epochs = epochs }
    if let batchSize { o.batchSize = batchSize }
    if let evaluationBatchSize { o.evaluationBatchSize = evaluationBatchSize }
    if let optimizer, optimizer != o.optimizer {
      o.optimizer = optimizer
      if optimizer == .adam && learningRate == nil { o.learningRate = 1e-3 }
      if optimizer == .sgd && learningRate == nil { o.learningRate = TrainingOptions().learningRate }
    }
    if let learningRate { o.learningRate = learningRate }
    if let momentum { o.momentum = momentum }
    if let weightDecay { o.weightDecay = weightDecay }
    if let referenceFanIn { o.referenceFanIn = referenceFanIn }
    if let lrSchedule { o.learningRateSchedule = lrSchedule }
    if let maxGradientNorm { o.maxGradientNorm = maxGradientNorm }
    if let aisRuns { o.aisRuns = aisRuns }
    if let aisSteps { o.aisIntermediateDistributions = aisSteps }
    if nesterov { o.nesterov = true }
    if let adamBeta1 { o.adamBeta1 = adamBeta1 }
    if let adamBeta2 { o.adamBeta2 = adamBeta2 }
    if let zeta { o.zeta = zeta }
    if let evolutionPeriod { o.evolutionPeriod = evolutionPeriod }
    if let evolution { o.evolution = evolution }
    if let zetaSchedule { o.zetaSchedule = zetaSchedule }
    if let evolutionUnit { o.evolutionUnit = evolutionUnit }
    if let evolutionEnd { o.evolutionEnd = evolutionEnd }
    if let regrowthScale { o.regrowthScale = regrowthScale }
    if let activationPrecision { o.activationPrecision = activationPrecision }
    if let recordDegrees { o.degreeRecordingPeriod = recordDegrees }
    o.seed = seed
    return o
  }

  /// The model description these options resolve to, for data of `shape` in `classes` classes.
  func resolvedDescription(shape: ImageShape, classes: Int) throws -> ModelDescription {
    var description =
      try model.map { try ModelSource(argument: $0).description(shape: shape, classes: classes, dataset: recipeDataset) }
      ?? mlpDescription(shape: shape, classes: classes)
    description.training = trainingOptions(over: description.training)
    if augment || shift != nil || flip != nil {
      guard shape.height > 1 && shape.width > 1 else {
        throw ValidationError("--augment, --shift and --flip need images; the data has samples of shape \(shape).")
      }
      var augmentation = augment ? .reference(for: shape) : description.training!.augmentation ?? ImageAugmentation(maxShift: 0, horizontalFlip: false)
      if let shift { augmentation.maxShift = shift }
      if let flip { augmentation.horizontalFlip = flip }
      description.training!.augmentation = augmentation.maxShift == 0 && !augmentation.horizontalFlip ? nil : augmentation
    }
    return description
  }

  func run() throws {
    if resume && output == nil { throw ValidationError("--resume needs --out FOLDER: the run folder to go on with.") }
    if let threads { Parallel.threadCount = threads }
    var group: Collective?
    if distributed {
      guard let runtime = Distribution.runtime else {
        throw ValidationError(
          "--distributed trains over MPI, which this sprig was built without: build sprig-mpi (swift build -c release --package-path Distributed) and run `mpirun -np N Distributed/.build/release/sprig-mpi train --distributed …` (docs/distributed.md).")
      }
      let started = try runtime.start()
      group = started.group
      if threads == nil { Parallel.threadCount = started.threadsPerRank }
    }
    // Rank 0 alone prints and writes the run folder.
    let isRoot = (group?.rank ?? 0) == 0
    let quiet = self.quiet || !isRoot
    let datasetName = data.dataset ?? .fashionMNIST
    let limit = memoryLimit.flatMap(ByteCount.parse).map(MemoryLimit.bytes) ?? .available
    if !data.readsFiles {
      // The catalogue knows the shape: describe, estimate or refuse before loading any data.
      let description = try resolvedDescription(shape: datasetName.imageShape, classes: datasetName.classCount)
      if try printed(description) { return }
      try MemoryEstimate(description: description, source: self.model ?? "the MLP options").check(limit: limit)
    }
    var split = try data.load(fallback: datasetName)
    let description = try resolvedDescription(shape: split.train.shape, classes: split.train.classCount)
    if try printed(description) { return }
    let objective = try TrainingObjective(description: description)
    let options = description.training!
    let normalization = self.normalization ?? objective.defaultNormalization
    let scaling = split.normalize(normalization)
    let model = try Sequential(
      description: description, seed: seed, source: self.model ?? "the MLP options", memoryLimit: limit)
    if model.layers.contains(where: { $0 is Linear }) && model.sparseLayers.isEmpty, let warning = BLAS.coreMismatchWarning {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    let url = output.map { URL(fileURLWithPath: $0) } ?? RunDirectory.freshURL(name: "\(split.name)-seed\(seed)")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let optionsJSON = String(decoding: try encoder.encode(options), as: UTF8.self)
    var info = [
      "dataset": split.name,
      "image_shape": "\(split.train.shape.height)x\(split.train.shape.width)x\(split.train.shape.channels)",
      "normalization": normalization.rawValue,
      "options": optionsJSON,
    ]
    let parallelism: DataParallelism = averageEvery.map { .localSteps(averagingPeriod: $0) } ?? .synchronous
    if let group {
      info["ranks"] = String(group.size)
      info["parallelism"] = parallelism.description
    }
    // The lock before anything reads or changes the folder: a second run
    // on it stops here, having touched nothing.
    let run = isRoot ? try RunDirectory(url: url, scaling: scaling, info: info, resuming: resume) : nil
    var resuming = resume
    if resume, try !checkResumable(url, options: optionsJSON, info: info, epochs: options.epochs) {
      FileHandle.standardError.write(
        Data("note: \(url.path) has no resume state (the run was stopped before its first epoch was saved): starting it from epoch 1\n".utf8))
      try run?.startOver()
      resuming = false
    }
    let display = ProgressDisplay()
    if !quiet {
      display.message(
        "sprig train: \(description.name ?? "model") on \(split.name) (\(split.train.count) train, \(split.test.count) test), "
          + "\(model.layers.filter { $0.parameterCount > 0 }.map { $0.name }.joined(separator: ", ")), "
          + "\(model.connectionCount) connections, "
          + (group.map { "\($0.size) ranks (\(parallelism)) of \(threadsPhrase(Parallel.threadCount)) each" } ?? threadsPhrase(Parallel.threadCount))
          + ", seed \(seed)")
      display.message("run folder: \(url.path)")
    }
    let initialization = description.layers.first(where: { $0.type == .sparseLinear })?.initialization ?? .heUniform
    let trainer = Trainer(
      model: model, options: options,
      evolution: try options.makeEvolution(initialization: initialization, windows: model.localWindows),
      objective: objective, run: run, display: quiet ? nil : display, collective: group, parallelism: parallelism)
    if resuming {
      try trainer.resume(from: url.appendingPathComponent("resume.safetensors"))
      if !quiet { display.message("resumed after epoch \(trainer.history.count) of \(options.epochs)") }
    }
    let history = try trainer.fit(split)
    guard let run else { return }
    let last = history.last!
    let medianEpoch = history.map(\.epochSeconds).sorted()[history.count / 2]
    let result: String
    switch objective {
    case .classification:
      result = String(
        format: "final test accuracy %.2f%% (best %.2f%%)", last.testAccuracy * 100, history.map(\.testAccuracy).max()! * 100)
    case .reconstruction(let loss):
      result = "final test \(loss.rawValue) " + String(format: "%.5f (best %.5f)", last.testLoss, history.map(\.testLoss).min()!)
    default:
      result = "final " + Trainer.summary(of: last, objective: objective)
    }
    display.message(result + String(format: ", median epoch %.2fs", medianEpoch) + "; checkpoint \(run.checkpointURL.path)")
  }

  /// Prints the description (`--print-model`) or its memory estimate (`--estimate`); whether it did.
  func printed(_ description: ModelDescription) throws -> Bool {
    if printModel { print(String(decoding: try description.json(), as: UTF8.self)) }
    if estimate { Inspect.printEstimate(try MemoryEstimate(description: description, source: model ?? "the MLP options")) }
    return printModel || estimate
  }

  /// Fails with what to do unless `url` holds an unfinished run trained with
  /// `options`; false when there is nothing to resume from (a run stopped
  /// before its first resume state), which starts over.
  func checkResumable(_ url: URL, options: String, info: [String: String], epochs: Int) throws -> Bool {
    let state = url.appendingPathComponent("resume.safetensors")
    let checkpoint = url.appendingPathComponent("model.safetensors")
    let saved = try? Checkpoint(contentsOf: checkpoint).info
    guard FileManager.default.fileExists(atPath: state.path) else {
      // The state goes after the last epoch's line: a run with its last
      // checkpoint and no state is finished.
      if let saved, saved["epoch"] == String(epochs), saved["options"] == options {
        throw ValidationError(
          "\(url.path) holds a finished run (\(epochs) epochs; model.safetensors is its checkpoint): there is nothing to resume. Train again without --resume to start over.")
      }
      return false
    }
    if let savedOptions = saved?["options"], savedOptions != options {
      throw ValidationError(
        "\(url.path) was trained with other options (\(savedOptions)); pass the same flags as the run you resume.")
    }
    // The same ranks draw the same batches and sums: another count would
    // go on as a different run.
    if let saved, saved["ranks"] != info["ranks"] || saved["parallelism"] != info["parallelism"] {
      let was = saved["ranks"].map { "\($0) ranks (\(saved["parallelism"] ?? "synchronous"))" } ?? "one process"
      let now = info["ranks"].map { "\($0) ranks (\(info["parallelism"] ?? "synchronous"))" } ?? "one process"
      throw ValidationError("\(url.path) was trained on \(was); resume it the same way, not on \(now).")
    }
    return true
  }
}
