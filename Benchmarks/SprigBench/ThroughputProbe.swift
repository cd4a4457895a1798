// ThroughputProbe: every model of a dataset timed in the same minutes, so
// the sparse-to-dense ratio does not depend on what else the machine did
// during each model's long run.
import Foundation
import Sprig

/// One model's training throughput from the probe, as written to
/// `<out>/throughput-<dataset>.json`.
struct ThroughputRecord: Codable {
  var dataset: String
  var model: String
  var settings: String
  /// Median over the timed rounds.
  var samples_per_second: Double
  /// Relative to the dense MLP in the same probe.
  var ratio_to_dense: Double?
  var batches_per_round: Int
  var rounds: Int
  var threads: Int
  var machine: String
  var git_commit: String
  var measured: String
}

extension AccuracyBenchmark {
  /// Trains each (model, setting) for `batches` batches per round, one round
  /// of every model after another (a first round warms up and is dropped),
  /// and returns each model's median samples per second.
  func probeThroughput(data: DatasetSplit, dataset: String, combinations: [(model: String, setting: String)])
    throws -> [ThroughputRecord]
  {
    // Seven rounds: on a shared host the sparse models' speed drifts by 15–30 %
    // over minutes (they live in the L3 that neighbours share), and with the
    // median of three rounds two probes a minute apart put SET-MLP at 11.9×
    // and 15.5× the dense MLP.
    let batches = quick ? 4 : 40, rounds = quick ? 3 : 7
    var sample = data
    sample.train = data.train.prefix(min(data.train.count, batches * 128))
    sample.test = data.test.prefix(min(data.test.count, 100))
    var trainers: [Trainer] = []
    for (model, setting) in combinations {
      var (config, options) = try configuration(data: data, dataset: dataset, model: model, setting: setting, seed: 0)
      options.epochs = rounds + 1
      options.savesResumeState = false
      trainers.append(
        Trainer(
          model: try config.makeModel(seed: 0), options: options,
          evolution: try options.makeEvolution(initialization: config.initialization)))
    }
    for round in 1...(rounds + 1) {
      for trainer in trainers { try trainer.fit(sample, until: round) }
    }
    let rates = trainers.map { AccuracyReport.median(Array($0.history.dropFirst().map(\.samplesPerSecond))) }
    let dense = zip(combinations, rates).first { $0.0.model == "mlp" }?.1
    let now = Date().formatted(.iso8601)
    return zip(combinations, rates).map { combination, rate in
      ThroughputRecord(
        dataset: dataset, model: combination.model, settings: combination.setting, samples_per_second: rate,
        ratio_to_dense: dense.map { rate / $0 }, batches_per_round: batches, rounds: rounds, threads: Parallel.threadCount,
        machine: Machine.name, git_commit: Machine.gitCommit, measured: now)
    }
  }
}
