// `sprig-bench epoch`: one training epoch of the SET-MLP with Sprig's kernels,
// with the GraphBLAS backend, and the same architecture dense on OpenBLAS.
import ArgumentParser
import Foundation
import Sprig

struct EpochRecord: Codable {
  var engine: String
  var samples_per_second: Double
  var epoch_seconds: Double
  var rewire_seconds: Double
  var rewire_share: Double
  var connections: Int
  var test_accuracy: Double
  var threads: Int
  var peak_rss_bytes: Int
}

struct EpochBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "epoch", abstract: "Time one training epoch: SET-MLP (Sprig kernels, GraphBLAS) vs dense MLP.")

  @Option(help: "Dataset.") var dataset: String = "fashion-mnist"
  @Option(help: "Hidden sizes, comma-separated.") var hidden: String = "1000,1000,1000"
  @Option(help: "Sparsity ε.") var epsilon: Double = 20
  @Option(help: "Use only the first N training samples.") var trainLimit: Int?
  @Option(help: "Use only the first N test samples.") var testLimit: Int = 2000
  @Option(help: "Engines to run, comma-separated: sprig, sprig-bf16 (bf16 activations), graphblas, dense.")
  var engines: String = "sprig,sprig-bf16,graphblas,dense"
  @Option(help: "Threads.") var threads: Int?
  @Option(help: "Write the records as JSON to this path.") var json: String?
  @OptionGroup var experiment: ExperimentOptions
  @OptionGroup var dataRoot: DataRootOption

  func run() throws {
    if let threads { Parallel.threadCount = threads }
    experiment.apply()
    guard let name = DatasetName(rawValue: dataset) else { throw ValidationError("unknown dataset \(dataset)") }
    var data = try DatasetSplit.load(name, roots: dataRoot.roots, trainLimit: trainLimit, testLimit: testLimit)
    data.normalize(.standardize)
    let sizes = hidden.split(separator: ",").compactMap { Int($0) }
    print("sprig-bench epoch — \(Machine.header), \(Machine.threadsInUse), \(data.name) \(data.train.count) samples, hidden \(sizes)"
      + experiment.summary)
    Machine.warnAboutSetup()
    var records: [EpochRecord] = []
    for engine in engines.split(separator: ",").map(String.init) {
      guard ["sprig", "sprig-bf16", "graphblas", "dense"].contains(engine) else {
        throw ValidationError("unknown engine \(engine) (sprig, sprig-bf16, graphblas, dense)")
      }
      let config = MLPConfiguration(
        inputSize: data.train.featureCount, hiddenSizes: sizes, outputSize: 10, epsilon: engine == "dense" ? nil : epsilon)
      let model = try config.makeModel(seed: 0)
      if engine == "graphblas" { for layer in model.sparseLayers { layer.backend = .graphBLAS } }
      var options = TrainingOptions()
      options.epochs = 1
      if engine == "sprig-bf16" { options.activationPrecision = .bf16 }
      options.learningRate = 0.05  // one rate every engine trains stably with: this measures speed
      let trainer = Trainer(model: model, options: options)
      let start = Date()
      let history = try trainer.fit(data)
      let train = Date().timeIntervalSince(start)
      var rng = SeededGenerator(seed: 1)
      let t0 = Date()
      for layer in model.sparseLayers { _ = SETEvolution(zeta: 0.3).rewire(layer, using: &rng) }
      let rewire = Date().timeIntervalSince(t0)
      let r = EpochRecord(
        engine: engine, samples_per_second: history[0].samplesPerSecond, epoch_seconds: train, rewire_seconds: rewire,
        rewire_share: rewire / (train + rewire), connections: model.connectionCount,
        test_accuracy: history[0].testAccuracy, threads: Parallel.threadCount, peak_rss_bytes: Machine.peakRSS)
      records.append(r)
      print(
        "\(engine.padding(toLength: 10, withPad: " ", startingAt: 0))"
          + String(format: " %9.0f samples/s  epoch %6.2fs  rewire %.3fs (%.2f%%)  %9d connections  test %.2f%%  peak RSS %.2f GiB",
            r.samples_per_second, r.epoch_seconds, r.rewire_seconds, r.rewire_share * 100, r.connections, r.test_accuracy * 100,
            Double(r.peak_rss_bytes) / Double(1 << 30)))
    }
    if let sprig = records.first(where: { $0.engine == "sprig" }) {
      for other in records where other.engine != "sprig" {
        let (faster, slower) = other.engine == "sprig-bf16" ? (other, sprig) : (sprig, other)
        print("\(faster.engine) vs \(slower.engine): " + String(format: "%.2f× the samples per second", faster.samples_per_second / slower.samples_per_second))
      }
    }
    if let json {
      try writeRecordJSON(records, to: URL(fileURLWithPath: json))
    }
  }
}
