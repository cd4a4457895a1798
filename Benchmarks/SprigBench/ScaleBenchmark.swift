// `sprig-bench scale`: how large a SET-MLP trains on one machine, and how
// fast: seconds per Fashion-MNIST epoch (measured, or extrapolated from
// timed batches), time per sample, peak resident memory and bytes per
// connection, one record per network, the networks one after another in one
// process (smallest first: freed buffers go back to the OS, and the peak
// mark is reset before each).
import ArgumentParser
import Foundation
import Sprig

struct ScaleRecord: Codable {
  /// Layer widths, input to output: "784-10000-10000-10000-10".
  var shape: String
  var epsilon: Double
  var connections: Int
  var parameters: Int
  var batch: Int
  var threads: Int
  var activation_precision: String
  /// Seconds for one epoch of the whole training set (60,000 samples):
  /// measured when `batches_timed` covers the epoch, else extrapolated
  /// from the training throughput over `batches_timed` batches.
  var seconds_per_epoch: Double
  var batches_timed: Int
  var microseconds_per_sample: Double
  var rewire_seconds: Double
  var peak_rss_bytes: Int
  var peak_rss_bytes_per_connection: Double
  var machine: String
  var git_commit: String
  var command: String
}

struct ScaleBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scale",
    abstract: "Train very wide SET-MLPs on Fashion-MNIST: seconds per epoch, peak memory, bytes per connection.")

  @Option(help: "Networks as layer widths, comma-separated (input first, 10 classes last).")
  var networks: String = "784-10000-10000-10000-10,784-1000000-10,784-10000000-10"
  @Option(help: "SET's ε per network, comma-separated (one value: for all).") var epsilon: String = "20,20,2"
  @Option(help: "Batch size per network, comma-separated (one value: for all).") var batch: String = "128,128,32"
  @Option(help: "Batches timed per network, comma-separated (0: the whole epoch).") var batches: String = "0,20,20"
  @Option(help: "Threads.") var threads: Int?
  @Option(help: "Sparse layers' activations: fp32 or bf16.") var activationPrecision: ActivationPrecision = .fp32
  @Option(help: "Write the records as a JSON array to this path.") var json: String?
  @OptionGroup var experiment: ExperimentOptions
  @OptionGroup var dataRoot: DataRootOption

  /// `list` split at commas, one entry per network (a single entry repeated).
  func perNetwork<T>(_ list: String, _ name: String, count: Int, _ parse: (Substring) -> T?) throws -> [T] {
    let values = list.split(separator: ",").map(parse)
    guard values.allSatisfy({ $0 != nil }), values.count == 1 || values.count == count else {
      throw ValidationError("--\(name) takes one value or one per network (\(count)), got \"\(list)\"")
    }
    return values.count == 1 ? Array(repeating: values[0]!, count: count) : values.map { $0! }
  }

  func run() throws {
    if let threads { Parallel.threadCount = threads }
    experiment.apply()
    _ = Machine.gitCommit
    let shapes = try networks.split(separator: ",").map { spec -> [Int] in
      let widths = spec.split(separator: "-").compactMap { Int($0) }
      guard widths.count >= 3, widths.first == 784, widths.last == 10, widths.allSatisfy({ $0 > 0 }) else {
        throw ValidationError("network \"\(spec)\": give 784-<hidden widths>-10 (Fashion-MNIST's input and classes)")
      }
      return widths
    }
    let epsilons = try perNetwork(epsilon, "epsilon", count: shapes.count) { Double($0).flatMap { $0 > 0 ? $0 : nil } }
    let batchSizes = try perNetwork(batch, "batch", count: shapes.count) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
    let batchCounts = try perNetwork(batches, "batches", count: shapes.count) { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
    var full = try DatasetSplit.load(.fashionMNIST, roots: dataRoot.roots, testLimit: 256)
    full.normalize(.standardize)
    let epochSamples = full.train.count
    print(
      "sprig-bench scale — \(Machine.header), \(Machine.threadsInUse), activations \(activationPrecision.rawValue), "
        + "Fashion-MNIST (\(epochSamples) training samples)\(experiment.summary)")
    Machine.warnAboutSetup()
    print("network                        ε   batch  connections   s/epoch  batches  µs/sample  rewire s  peak RSS  B/conn")
    var records: [ScaleRecord] = []
    for (n, widths) in shapes.enumerated() {
      let batchSize = batchSizes[n]
      let timed = batchCounts[n] == 0 ? (epochSamples + batchSize - 1) / batchSize : min(batchCounts[n], epochSamples / batchSize)
      // The timed batches and the warm-up batch are prefixes of the one
      // standardised split (the statistics of all 60,000 samples).
      let data = DatasetSplit(name: full.name, train: full.train.prefix(timed * batchSize), test: full.test)
      Machine.resetPeakRSS()
      let config = MLPConfiguration(
        inputSize: 784, hiddenSizes: Array(widths.dropFirst().dropLast()), outputSize: 10, epsilon: epsilons[n])
      let model = try config.makeModel(seed: 0)
      var options = TrainingOptions()
      (options.epochs, options.batchSize, options.evaluationBatchSize) = (1, batchSize, batchSize)
      options.activationPrecision = activationPrecision
      options.savesResumeState = false
      // One batch first, untimed: it faults in the layers' buffers (a 784-1M-10
      // network's first batch took about 3 s, the others 0.3 s) and settles
      // the kernels' adaptive choices. A whole-epoch measurement keeps it.
      if timed * batchSize < epochSamples {
        let warmUp = DatasetSplit(name: full.name, train: full.train.prefix(batchSize), test: full.test.prefix(batchSize))
        _ = try Trainer(model: model, options: options).fit(warmUp)
      }
      let history = try Trainer(model: model, options: options).fit(data)
      // The training steps' own throughput (no test pass, no rewiring): a
      // whole epoch's rate when every batch is timed.
      let seconds = Double(epochSamples) / history[0].samplesPerSecond
      // A run's last epoch ends without rewiring: one SET step (ζ 0.3) on
      // every sparse layer, timed as the epochs before it would take it.
      var evolutionRNG = SeededGenerator(seed: 1)
      let rewireStart = Date()
      for layer in model.sparseLayers { _ = SETEvolution(zeta: 0.3).rewire(layer, using: &evolutionRNG) }
      let rewire = Date().timeIntervalSince(rewireStart)
      let peak = Machine.peakRSS
      let r = ScaleRecord(
        shape: widths.map(String.init).joined(separator: "-"), epsilon: epsilons[n], connections: model.connectionCount,
        parameters: model.parameterCount, batch: batchSize, threads: Parallel.threadCount,
        activation_precision: activationPrecision.rawValue, seconds_per_epoch: seconds,
        batches_timed: timed, microseconds_per_sample: seconds / Double(epochSamples) * 1e6,
        rewire_seconds: rewire, peak_rss_bytes: peak,
        peak_rss_bytes_per_connection: Double(peak) / Double(max(model.connectionCount, 1)),
        machine: Machine.name, git_commit: Machine.gitCommit, command: Machine.commandLine)
      records.append(r)
      print(
        r.shape.padding(toLength: 28, withPad: " ", startingAt: 0)
          + String(format: " %4.0f %6d %12d %9.1f %8d %10.1f %9.2f %7.2f GiB %6.1f", r.epsilon, r.batch, r.connections,
            r.seconds_per_epoch, r.batches_timed, r.microseconds_per_sample, r.rewire_seconds,
            Double(peak) / Double(1 << 30), r.peak_rss_bytes_per_connection))
    }
    if let json {
      try writeRecordJSON(records, to: URL(fileURLWithPath: json))
    }
  }
}
