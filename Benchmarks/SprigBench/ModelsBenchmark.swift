// `sprig-bench models`: dense against sparse CNNs and recurrent networks —
// each run is exactly `sprig train --model NAME`, so every row's command is
// one a user can paste.
import ArgumentParser
import Foundation
import Sprig
import SprigCLI

/// One finished `sprig train --model` run, as `<out>/runs/<dataset>-<model>-seed<k>.json`.
struct ModelRecord: Codable {
  var dataset: String
  var model: String
  var seed: UInt64
  var epochs: Int
  var final_test_accuracy: Double
  var best_test_accuracy: Double
  var test_accuracy_per_epoch: [Double]
  /// For models scored otherwise (RBM, VAE, GAN, triplet embedding): the
  /// headline score's name and its final value.
  var metric: String?
  var final_metric: Double?
  var median_epoch_seconds: Double
  /// Connections of the sparse matrices, and the weights the same matrices would hold dense.
  var sparse_connections: Int
  var sparse_dense_equivalent: Int
  /// Every weight and bias of the model.
  var parameters: Int
  var command: String
  var threads: Int
  var machine: String
  var git_commit: String
  var finished: String
}

struct ModelsBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "models",
    abstract: "Train named models (dense and sparse CNNs, LSTM/GRU, RBMs, VAEs, GANs, Siamese nets) and tabulate accuracy or score, sparse connections and time per epoch.",
    discussion: """
      Each run is `sprig train --model NAME --dataset D --epochs E --seed S` in <out>/runs/<dataset>-<model>-seed<S>; \
      a finished run's JSON is kept, an interrupted one resumes, so the suite can be stopped and started again. \
      Writes <out>/models.md: per dataset and model, the mean ± sd of the final test accuracy over the seeds, \
      connections in the sparse matrices against the weights the same matrices hold dense, the median epoch time \
      and the command.
      """)

  @Option(help: "Datasets, comma-separated.") var datasets: String = "fashion-mnist,cifar10"
  @Option(help: "Models, comma-separated (see `sprig train --help`).")
  var models: String = "cnn,set-cnn,sparse-cnn,lstm,sparse-lstm,gru,sparse-gru"
  @Option(help: "Epochs per run.") var epochs: Int = 5
  @Option(help: "Seeds, comma-separated.") var seeds: String = "0"
  @Option(help: "Use only the first N training samples.") var trainLimit: Int?
  @Option(help: "Use only the first N test samples.") var testLimit: Int?
  @Option(help: "Threads.") var threads: Int?
  @Option(name: .customLong("out"), help: "Results folder (runs/, models.md, models.json).")
  var output: String = "bench-results/models"
  @Flag(help: "A CI smoke run: 1 epoch on 1000/200 samples.") var quick = false
  @Flag(help: "Only rewrite models.md and models.json from the finished runs in --out.") var reportOnly = false
  @OptionGroup var data: DataRootOption

  func run() throws {
    let out = URL(fileURLWithPath: output), runs = out.appendingPathComponent("runs")
    try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
    let threadCount = threads ?? Parallel.threadCount
    let (epochs, trainLimit, testLimit) = quick ? (1, 1000, 200) : (self.epochs, self.trainLimit, self.testLimit)
    if !reportOnly {
      for dataset in datasets.split(separator: ",").map(String.init) {
        for model in models.split(separator: ",").map(String.init) {
          for seed in seeds.split(separator: ",").compactMap({ UInt64($0) }) {
            let record = runs.appendingPathComponent("\(dataset)-\(model)-seed\(seed).json")
            if FileManager.default.fileExists(atPath: record.path) { continue }
            let folder = runs.appendingPathComponent("\(dataset)-\(model)-seed\(seed)")
            var arguments = [
              "train", "--model", model, "--dataset", dataset, "--epochs", String(epochs), "--seed", String(seed),
              "--threads", String(threadCount),
            ]
            if let trainLimit { arguments += ["--train-limit", String(trainLimit)] }
            if let testLimit { arguments += ["--test-limit", String(testLimit)] }
            // A smoke run's RBM log Z: a short AIS (the full one takes seconds in a release build).
            if quick && model.hasSuffix("rbm") { arguments += ["--ais-runs", "10", "--ais-steps", "100"] }
            for root in data.dataRoots { arguments += ["--data-root", root] }
            let command = "sprig " + arguments.joined(separator: " ")
            print("== \(command)")
            let resuming = FileManager.default.fileExists(atPath: folder.appendingPathComponent("resume.safetensors").path)
            var train = try SprigCommand.parseAsRoot(arguments + ["--out", folder.path, "--quiet"] + (resuming ? ["--resume"] : []))
            try train.run()
            let result = try Self.record(
              folder: folder, dataset: dataset, model: model, seed: seed, epochs: epochs, command: command,
              threads: threadCount)
            try writeRecordJSON(result, to: record)
          }
        }
      }
    }
    let records = try FileManager.default.contentsOfDirectory(at: runs, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
      .map { try JSONDecoder().decode(ModelRecord.self, from: Data(contentsOf: $0)) }
    let table = Self.table(records)
    try table.write(to: out.appendingPathComponent("models.md"), atomically: true, encoding: .utf8)
    print(table)
  }

  /// The record of the finished run in `folder`.
  static func record(
    folder: URL, dataset: String, model: String, seed: UInt64, epochs: Int, command: String, threads: Int
  ) throws -> ModelRecord {
    let history = try JSONLines.read(EpochMetrics.self, from: folder.appendingPathComponent("metrics.jsonl"))
    let network = try Checkpoint(contentsOf: folder.appendingPathComponent("model.safetensors")).model
    let sparse = network.sparseLayers
    let scores = history.last!.scores ?? [:]
    let metric = ["ais_log_likelihood", "elbo", "frechet_distance", "recall_at_1"].first { scores[$0] != nil }
    return ModelRecord(
      dataset: dataset, model: model, seed: seed, epochs: epochs, final_test_accuracy: history.last!.testAccuracy,
      best_test_accuracy: history.map(\.testAccuracy).max()!, test_accuracy_per_epoch: history.map(\.testAccuracy),
      metric: metric, final_metric: metric.flatMap { scores[$0] },
      median_epoch_seconds: history.map(\.epochSeconds).sorted()[history.count / 2],
      sparse_connections: sparse.reduce(0) { $0 + $1.connectionCount },
      sparse_dense_equivalent: sparse.reduce(0) { $0 + $1.inputSize * $1.outputSize }, parameters: network.parameterCount,
      command: command, threads: threads, machine: Machine.name,
      git_commit: Machine.gitCommit, finished: Date().formatted(.iso8601))
  }

  /// The Markdown table: one row per dataset and model, over its seeds.
  static func table(_ records: [ModelRecord]) -> String {
    var groups: [String: [ModelRecord]] = [:]
    var order: [String] = []
    for r in records {
      let key = "\(r.dataset) \(r.model) \(r.epochs)"
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(r)
    }
    var md = """
      | dataset | model | epochs | seeds | test accuracy or score (final, mean ± sd) | sparse connections (dense: same matrices) | parameters | s/epoch | command |
      | --- | --- | --- | --- | --- | --- | --- | --- | --- |

      """
    for key in order {
      let rs = groups[key]!, r = rs[0]
      // A model scored otherwise shows its score: nats for ELBO and AIS
      // log-likelihood, the Fréchet distance, recall@1 in percent.
      let percent = r.metric == nil || r.metric == "recall_at_1"
      let accuracies = rs.map { r.metric == nil ? $0.final_test_accuracy * 100 : ($0.final_metric ?? .nan) * (percent ? 100 : 1) }
      let mean = accuracies.reduce(0, +) / Double(accuracies.count)
      let sd = accuracies.count > 1 ? (accuracies.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(accuracies.count - 1)).squareRoot() : 0
      let sparse =
        r.sparse_connections == 0
        ? "—"
        : "\(r.sparse_connections) (\(r.sparse_dense_equivalent), \(String(format: "%.1f", Double(r.sparse_dense_equivalent) / Double(r.sparse_connections)))× fewer)"
      let seconds = rs.map(\.median_epoch_seconds).sorted()[rs.count / 2]
      let command = r.command.replacingOccurrences(of: "--seed \(r.seed)", with: "--seed S")
      md += "| \(r.dataset) | \(r.model) | \(r.epochs) | \(rs.count) | "
        + String(format: rs.count > 1 ? "%.2f ± %.2f" : "%.2f", mean, sd) + (percent ? " %" : "")
        + (r.metric.map { " (\($0.replacingOccurrences(of: "_", with: " ")))" } ?? "")
        + " | \(sparse) | \(r.parameters) | \(String(format: "%.1f", seconds)) | `\(command)` |\n"
    }
    // A suite can span commits and machines: name every one its runs saw.
    let machines = Set(records.map { "\($0.machine), \($0.threads) threads" }).sorted().joined(separator: "; ")
    let commits = Set(records.map(\.git_commit)).sorted().joined(separator: ", ")
    if !records.isEmpty { md += "\nMeasured on \(machines), git \(commits) (each run's commit is in its JSON).\n" }
    return md
  }
}
