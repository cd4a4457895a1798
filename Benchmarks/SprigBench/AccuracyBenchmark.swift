// `sprig-bench accuracy`: the sparse-versus-dense table — dense MLP, fixed
// sparse MLP and SET-MLP (plus the best evolving topology) on MNIST,
// Fashion-MNIST and CIFAR-10, one JSON per finished run so a long suite
// resumes where it stopped.
import ArgumentParser
import Foundation
import Sprig
import SprigCLI

/// One finished run, as written to `<out>/runs/<dataset>-<model>-<settings>-seed<k>.json`.
struct AccuracyRecord: Codable {
  var dataset: String
  var model: String
  var settings: String
  var seed: UInt64
  var epochs: Int
  var best_test_accuracy: Double
  var final_test_accuracy: Double
  var test_accuracy_per_epoch: [Double]
  /// Mean training loss of each epoch.
  var train_loss_per_epoch: [Double]?
  var train_samples_per_second: Double
  var inference_samples_per_second: Double
  var median_epoch_seconds: Double
  var evolution_time_share: Double
  var connections: Int
  var parameters: Int
  var checkpoint_bytes: Int
  var peak_rss_bytes: Int
  /// Whether training images were shifted and flipped (CIFAR-10 with --augment).
  var augmented: Bool?
  /// Threads the run used.
  var threads: Int?
  /// Where and from what the run was measured (a suite can span sessions
  /// and machines): CPU model and cores, sprig-bench's git commit, the time
  /// the run finished.
  var machine: String?
  var git_commit: String?
  var finished: String?
  /// The sprig-bench command line that ran it, and the `sprig train`
  /// command that trains the same network with the same settings and seed.
  var command: String?
  var sprig_train_command: String?
  /// The sparse layers' activation precision ("fp32" when absent).
  var activation_precision: String?
}

struct AccuracyBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "accuracy",
    abstract: "Train dense, fixed-sparse and evolving MLPs on MNIST, Fashion-MNIST and CIFAR-10 and tabulate them.")

  @Option(help: "Datasets, comma-separated.") var datasets: String = "mnist,fashion-mnist,cifar10"
  @Option(help: "Models: mlp, mlp-fixprob, set-mlp, small-world-set (the best evolving topology measured).")
  var models: String = "mlp,mlp-fixprob,set-mlp,small-world-set"
  @Option(help: "Settings: reference (the SET paper's), sprig (Sprig's tuned defaults), or both.")
  var settings: String = "both"
  @Option(help: "Epochs per run.") var epochs: Int = 100
  @Option(help: "Seeds, comma-separated.") var seeds: String = "0,1,2"
  @Option(help: "Use only the first N training samples.") var trainLimit: Int?
  @Option(help: "Use only the first N test samples.") var testLimit: Int?
  @Option(help: "Threads.") var threads: Int?
  @Option(help: "Sparse layers' activations: fp32 or bf16 (runs are named …-seedK-bf16).")
  var activationPrecision: ActivationPrecision = .fp32
  @Option(name: .customLong("out"), help: "Results folder (runs/*.json, table.md, report.html).") var output: String = "bench-results"
  @Flag(help: "Skip the throughput probe (every model of a dataset timed together after its runs).")
  var noProbe = false
  @Flag(help: "Only rewrite table.md, report.html and the plots from the finished runs in --out.")
  var reportOnly = false
  @Flag(help: "The whole suite on small subsets (2000/500 samples, 2 epochs, narrow layers, one seed): a CI smoke run.")
  var quick = false
  @OptionGroup var experiment: ExperimentOptions
  @OptionGroup var dataRoot: DataRootOption

  func run() throws {
    if let threads { Parallel.threadCount = threads }
    experiment.apply()
    _ = Machine.gitCommit  // the commit the suite starts from
    let folder = URL(fileURLWithPath: output)
    let runs = folder.appendingPathComponent("runs")
    try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
    let seedList = quick ? [UInt64(0)] : seeds.split(separator: ",").compactMap { UInt64($0) }
    let settingList = settings == "both" ? ["reference", "sprig"] : [settings]
    print("sprig-bench accuracy — \(Machine.header), \(Machine.threadsInUse)\(experiment.summary)")
    Machine.warnAboutSetup()
    for datasetName in datasets.split(separator: ",").map(String.init) where !reportOnly {
      guard let name = DatasetName(rawValue: datasetName) else { throw ValidationError("unknown dataset \(datasetName)") }
      var data: DatasetSplit
      do {
        data = try DatasetSplit.load(
          name, roots: dataRoot.roots, trainLimit: quick ? 2000 : trainLimit, testLimit: quick ? 500 : testLimit)
      } catch let error as DataError where quick {
        // A smoke run covers the datasets this machine has.
        print("\(datasetName): skipped (\(error))")
        continue
      }
      data.normalize(.standardize)
      // Seed after seed, so an interrupted suite already has every model at
      // the first seeds. The dense MLP runs with the reference settings only
      // (unless only Sprig's are asked for): Sprig's tuned settings are for
      // sparse layers.
      for seed in seedList {
        for model in models.split(separator: ",").map(String.init) {
          for setting in settingList where !(model == "mlp" && setting == "sprig" && settingList.count > 1) {
            let file = runs.appendingPathComponent("\(runName(datasetName, model, setting, seed)).json")
            if FileManager.default.fileExists(atPath: file.path) {
              print("\(file.lastPathComponent): done before, skipped")
              continue
            }
            let record = try train(data: data, dataset: datasetName, model: model, setting: setting, seed: seed, folder: runs)
            try writeRecordJSON(record, to: file, atomically: true)
            print(
              "\(datasetName) \(model) \(setting) seed \(seed): "
                + String(format: "best %.2f%%, final %.2f%%, %.0f samples/s, %d connections", record.best_test_accuracy * 100,
                  record.final_test_accuracy * 100, record.train_samples_per_second, record.connections))
          }
        }
      }
      if !noProbe {
        let combinations = models.split(separator: ",").map(String.init).flatMap { model in
          settingList.filter { !(model == "mlp" && $0 == "sprig" && settingList.count > 1) }.map { (model: model, setting: $0) }
        }
        let probe = try probeThroughput(data: data, dataset: datasetName, combinations: combinations)
        try writeRecordJSON(probe, to: folder.appendingPathComponent("throughput-\(datasetName).json"), atomically: true)
        for r in probe {
          print(String(format: "\(datasetName) \(r.model) \(r.settings): %.0f samples/s timed together", r.samples_per_second)
            + (r.ratio_to_dense.map { String(format: ", %.1f× the dense MLP", $0) } ?? ""))
        }
      }
    }
    let records = try Self.loadRecords(runs)
    let probes = try Self.loadProbes(folder)
    let header = "Written \(Date().formatted(.iso8601)) by sprig-bench at git \(Machine.gitCommit) on \(Machine.header). "
      + AccuracyReport.provenance(records)
    try AccuracyReport.markdown(records, probes: probes, header: header)
      .write(to: folder.appendingPathComponent("table.md"), atomically: true, encoding: .utf8)
    try AccuracyReport.html(records, probes: probes, header: header)
      .write(to: folder.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
    for chart in AccuracyReport.charts(records) {
      try chart.svg.write(to: folder.appendingPathComponent("\(chart.name).svg"), atomically: true, encoding: .utf8)
    }
    print("table: \(folder.appendingPathComponent("table.md").path)")
  }

  /// The throughput probes in `folder` (`throughput-<dataset>.json`).
  static func loadProbes(_ folder: URL) throws -> [ThroughputRecord] {
    let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.lastPathComponent.hasPrefix("throughput-") && $0.pathExtension == "json" }
    return try files.sorted { $0.path < $1.path }.flatMap {
      try JSONDecoder().decode([ThroughputRecord].self, from: Data(contentsOf: $0))
    }
  }

  static func loadRecords(_ runs: URL) throws -> [AccuracyRecord] {
    let files = try FileManager.default.contentsOfDirectory(at: runs, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
    return try files.sorted { $0.path < $1.path }.map {
      var record = try JSONDecoder().decode(AccuracyRecord.self, from: Data(contentsOf: $0))
      // bf16 runs are their own rows of the tables.
      if let precision = record.activation_precision, precision != "fp32" { record.settings += "-\(precision)" }
      return record
    }
  }

  /// The architecture and training options of `model` under `setting`:
  /// `sprig` is ``MLPRecipe``'s default for the dataset's images (what
  /// `sprig train` builds), `reference` the SET paper's settings on the same
  /// architecture (SReLU, dropout 0.3, lr 0.01 constant, the reference
  /// augmentation on CIFAR-10 only). Quick runs use 100-wide layers at ε 10.
  func configuration(data: DatasetSplit, dataset: String, model: String, setting: String, seed: UInt64) throws
    -> (MLPConfiguration, TrainingOptions)
  {
    let (shape, name) = (data.train.shape, DatasetName(rawValue: dataset))
    let recipe = setting == "reference" ? MLPRecipe.setPaper(for: shape, dataset: name) : MLPRecipe(for: shape, dataset: name)
    let sparse = model != "mlp"
    var config = recipe.configuration(shape: shape, classes: data.train.classCount, sparse: sparse)
    var options = recipe.training(sparse: sparse)
    if quick { (config.hiddenSizes, config.epsilon) = ([100, 100, 100], sparse ? 10 : nil) }
    options.epochs = quick ? 2 : epochs
    options.seed = seed
    options.activationPrecision = activationPrecision
    switch model {
    case "mlp", "mlp-fixprob": options.zeta = 0
    case "set-mlp": break
    case "small-world-set": config.topology = .smallWorld
    default: throw ValidationError("unknown model \(model)")
    }
    return (config, options)
  }

  func train(data: DatasetSplit, dataset: String, model: String, setting: String, seed: UInt64, folder: URL) throws -> AccuracyRecord {
    let (config, options) = try configuration(data: data, dataset: dataset, model: model, setting: setting, seed: seed)
    let augmented = options.augmentation != nil
    let network = try config.makeModel(seed: seed)
    let runFolder = folder.appendingPathComponent(runName(dataset, model, setting, seed))
    let resuming = FileManager.default.fileExists(atPath: runFolder.appendingPathComponent("resume.safetensors").path)
    let run = try RunDirectory(
      url: runFolder, scaling: nil, info: ["dataset": dataset, "model": model, "settings": setting], resuming: resuming)
    Machine.resetPeakRSS()
    let trainer = Trainer(
      model: network, options: options, evolution: try options.makeEvolution(initialization: config.initialization), run: run,
      display: nil)
    if resuming {
      try trainer.resume(from: run.resumeURL)
      print("\(runFolder.lastPathComponent): resumed after epoch \(trainer.history.count)")
    }
    let history = try trainer.fit(data)
    let t0 = Date()
    _ = Trainer.evaluate(network, on: data.test)
    let inference = Double(data.test.count) / Date().timeIntervalSince(t0)
    let epochSeconds = history.map(\.epochSeconds)
    let checkpointBytes = (try? FileManager.default.attributesOfItem(atPath: run.checkpointURL.path)[.size] as? Int) ?? 0
    return AccuracyRecord(
      dataset: dataset, model: model, settings: setting, seed: seed, epochs: options.epochs,
      best_test_accuracy: history.map(\.testAccuracy).max() ?? 0, final_test_accuracy: history.last?.testAccuracy ?? 0,
      test_accuracy_per_epoch: history.map(\.testAccuracy), train_loss_per_epoch: history.map(\.trainLoss),
      train_samples_per_second: history.map(\.samplesPerSecond).sorted()[history.count / 2],
      inference_samples_per_second: inference, median_epoch_seconds: epochSeconds.sorted()[epochSeconds.count / 2],
      evolution_time_share: history.map(\.rewireSeconds).reduce(0, +) / max(epochSeconds.reduce(0, +), 1e-9),
      connections: network.connectionCount, parameters: network.parameterCount, checkpoint_bytes: checkpointBytes,
      peak_rss_bytes: Machine.peakRSS, augmented: augmented, threads: Parallel.threadCount,
      machine: Machine.name, git_commit: Machine.gitCommit,
      finished: Date().formatted(.iso8601), command: Machine.commandLine,
      sprig_train_command: sprigTrainCommand(dataset: dataset, model: model, setting: setting, seed: seed),
      activation_precision: activationPrecision.rawValue)
  }

  /// A run's file and folder name: `<dataset>-<model>-<settings>-seed<k>`,
  /// then `-bf16` for bf16 activations.
  func runName(_ dataset: String, _ model: String, _ setting: String, _ seed: UInt64) -> String {
    "\(dataset)-\(model)-\(setting)-seed\(seed)" + (activationPrecision == .fp32 ? "" : "-\(activationPrecision.rawValue)")
  }

  /// The `sprig train` command that trains `model` under `setting` as this run did.
  func sprigTrainCommand(dataset: String, model: String, setting: String, seed: UInt64) -> String {
    var words = ["sprig", "train", "--dataset", dataset, "--epochs", "\(epochs)", "--seed", "\(seed)"]
    if setting == "reference" { words += ["--preset", "set-paper"] }
    switch model {
    case "mlp": words.append("--dense")
    case "mlp-fixprob": words += ["--zeta", "0"]
    case "small-world-set": words += ["--topology", "small-world"]
    default: break
    }
    if let threads { words += ["--threads", "\(threads)"] }
    if activationPrecision != .fp32 { words += ["--activation-precision", activationPrecision.rawValue] }
    if let trainLimit { words += ["--train-limit", "\(trainLimit)"] }
    if let testLimit { words += ["--test-limit", "\(testLimit)"] }
    return words.joined(separator: " ")
  }
}
