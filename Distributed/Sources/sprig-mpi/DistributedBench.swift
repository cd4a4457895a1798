// `sprig-mpi bench`: data-parallel throughput and traffic at this run's
// number of ranks (scripts/bench-distributed.sh runs it on 1, 2 and 4), and
// a sharded layer too large for one rank's memory cap.
import ArgumentParser
import Foundation
import Sprig
import SprigDistributed

struct DistributedBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Benchmarks over MPI: `mpirun -np N sprig-mpi bench data-parallel` or `… bench sharded` (scripts/bench-distributed.sh).",
    subcommands: [DataParallelBench.self, ShardedBench.self])
}

/// One JSON object per line, from rank 0 only.
private func emit(_ record: [String: Any], to path: String?) throws {
  let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
  guard let path else { return }
  if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
  let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
  try handle.seekToEnd()
  try handle.write(contentsOf: data + Data("\n".utf8))
  try handle.close()
}

/// Peak resident memory of this process, in bytes (getrusage).
private func peakResidentBytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss * 1024
}

/// The group, with the seconds spent in its sums: the communication
/// share of a step (waiting for a slower rank included).
final class TimedCollective: Collective {
  let base: MPIProcessGroup
  private(set) var sumSeconds = 0.0
  private(set) var sums = 0
  init(_ base: MPIProcessGroup) { self.base = base }
  var rank: Int { base.rank }
  var size: Int { base.size }
  func sum(_ values: inout [Float]) {
    let t0 = Date()
    base.sum(&values)
    sumSeconds += Date().timeIntervalSince(t0)
    sums += 1
  }
  func sum(_ values: [Double]) -> [Double] { base.sum(values) }
  func gather(_ value: UInt64) -> [UInt64] { base.gather(value) }
  func gatherRows(_ local: Matrix, rowCounts: [Int], into result: Matrix) { base.gatherRows(local, rowCounts: rowCounts, into: result) }
}

struct DataParallelBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data-parallel",
    abstract: "Train the 784-1000-1000-1000-10 SET-MLP (or the dense MLP) on Fashion-MNIST over this job's ranks; print samples/s and bytes sent per step.")

  @Flag(help: "The dense MLP of the same shape instead of the SET-MLP.") var dense = false
  @Option(help: "Epochs (the median epoch's throughput is reported).") var epochs = 2
  @Option(help: "Training samples used (default all 60,000).") var trainLimit: Int?
  @Option(help: "Global batch size, split across the ranks (synchronous) or each rank's (local steps).") var batchSize = 128
  @Option(help: "Local steps between parameter averages (WASAP-style); default: gradients summed every step.")
  var averageEvery: Int?
  @Option(help: "Threads per rank (default: the cores mpirun bound the rank to, or the cores over the ranks on this machine).") var threads: Int?
  @Option(help: "Append the JSON record to this file.") var json: String?

  func run() throws {
    let world = MPIProcessGroup.world
    Parallel.threadCount = threads ?? world.threadsPerRank
    var split = try DatasetSplit.load(.fashionMNIST, trainLimit: trainLimit)
    _ = split.normalize(.standardize)
    let config = MLPConfiguration(
      inputSize: 784, hiddenSizes: [1000, 1000, 1000], outputSize: 10, epsilon: dense ? nil : 20)
    var options = TrainingOptions()
    (options.epochs, options.batchSize) = (epochs, batchSize)
    options.savesResumeState = false
    if dense { (options.learningRate, options.zeta) = (0.05, 0) }
    let model = try Sequential(description: try config.description(training: options), seed: 0)
    let parallelism: DataParallelism = averageEvery.map { .localSteps(averagingPeriod: $0) } ?? .synchronous
    let timed = TimedCollective(world)
    let trainStart = Date()
    let history = try Trainer(model: model, options: options, collective: timed, parallelism: parallelism).fit(split)
    let totalSeconds = Date().timeIntervalSince(trainStart)
    let floats = model.parameters.reduce(0) { $0 + $1.count } + 1  // + the NaN flag
    let perSum = world.size > 1 ? world.bytesSentPerSum(count: floats) : 0
    let bytesPerStep = averageEvery.map { Double(perSum) / Double($0) } ?? Double(perSum)
    let throughput = history.map(\.samplesPerSecond).sorted()[history.count / 2]
    guard world.rank == 0 else { return }
    try emit(
      [
        "benchmark": "data-parallel", "model": dense ? "mlp" : "set-mlp", "ranks": world.size,
        "threads_per_rank": Parallel.threadCount, "parallelism": parallelism.description,
        "samples_per_second": throughput, "epochs": epochs, "batch_size": batchSize, "train_samples": split.train.count,
        "bytes_sent_per_step_per_rank": bytesPerStep, "values_summed": floats,
        "connections": model.connectionCount, "test_accuracy": history.last!.testAccuracy,
        "epoch_seconds": history.map(\.epochSeconds), "peak_rss_bytes_rank0": peakResidentBytes(),
        "sum_seconds_rank0": timed.sumSeconds, "sums": timed.sums, "fit_seconds": totalSeconds,
        "date": ISO8601DateFormatter().string(from: Date()),
      ], to: json)
  }
}

struct ShardedBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sharded",
    abstract: "Train 784-H-10 with the H-unit sparse layer split across the ranks, on Fashion-MNIST; refuse unless each rank's shard fits --memory-cap-mib while the whole layer would not.")

  @Option(help: "Hidden units.") var hidden = 100_000
  @Option(help: "SET's ε for the hidden layer.") var epsilon = 300.0
  @Option(help: "Per-rank cap on the sharded layer's weights, indices and optimizer state, MiB.") var memoryCapMib = 512.0
  @Option(help: "Training batches.") var batches = 40
  @Option(help: "Batch size.") var batchSize = 128
  @Option(help: "Threads per rank (default: the cores mpirun bound the rank to, or the cores over the ranks on this machine).") var threads: Int?
  @Option(help: "Append the JSON record to this file.") var json: String?

  func run() throws {
    let world = MPIProcessGroup.world
    Parallel.threadCount = threads ?? world.threadsPerRank
    // Bytes per connection under SGD with momentum, gradient stored (the
    // sharded layer's backward writes gradients; nothing is folded): value,
    // column index, gradient, velocity, Wᵀ's row index and value position.
    let bytesPerConnection = 24.0
    let density = ErdosRenyiTopology.density(epsilon: epsilon, inputSize: 784, outputSize: hidden)
    let wholeBytes = density * 784 * Double(hidden) * bytesPerConnection
    let cap = memoryCapMib * 1_048_576
    let shardBytes = wholeBytes / Double(world.size)
    if world.rank == 0 {
      print(
        String(
          format: "sharded layer 784→%d at ε=%.0f: %.0f MiB whole, %.0f MiB per rank on %d ranks, cap %.0f MiB",
          hidden, epsilon, wholeBytes / 1_048_576, shardBytes / 1_048_576, world.size, memoryCapMib))
    }
    guard shardBytes * 1.05 <= cap else {
      throw ValidationError(
        String(format: "each rank's shard needs ≈ %.0f MiB, over the %.0f MiB cap: run on more ranks (-np).", shardBytes / 1_048_576, memoryCapMib))
    }
    var split = try DatasetSplit.load(.fashionMNIST, trainLimit: batches * batchSize)
    _ = split.normalize(.standardize)
    var rng = SeededGenerator(seed: 1)
    let layer = ShardedSparseLinear(inputSize: 784, outputSize: hidden, epsilon: epsilon, group: world, seed: 7)
    let model = Sequential([layer, ReLU(size: hidden), Linear(inputSize: hidden, outputSize: 10, using: &rng)])
    model.setDescription(
      ModelDescription(
        input: InputDescription(features: 784),
        layers: [.sparseLinear(units: hidden, topology: TopologyDescription(kind: .er, density: density)), .activation(.relu), .linear(units: 10)]))
    var options = TrainingOptions()
    (options.epochs, options.batchSize, options.savesResumeState) = (1, batchSize, false)
    options.learningRate = 0.01
    options.zeta = 0.3
    options.evaluationBatchSize = batchSize
    let sgd = SGD(learningRate: options.learningRate, momentum: options.momentum, weightDecay: options.weightDecay)
    let trainer = Trainer(model: model, options: options, optimizer: sgd)
    let start = Date()
    let history = try trainer.fit(DatasetSplit(name: split.name, train: split.train, test: split.test.prefix(2000)))
    let seconds = Date().timeIntervalSince(start)
    // Measured: the shard's own arrays as it holds them now, and the peak RSS.
    let held = Double(layer.shard.connectionCount) * layer.shard.bytesPerConnection
    let heldMax = world.gather(UInt64(held)).max()!
    let rss = world.gather(UInt64(peakResidentBytes()))
    let connections = world.sum([Double(layer.connectionCount)])[0]
    guard world.rank == 0 else { return }
    print(
      String(
        format: "trained %d batches in %.1f s (%.0f samples/s), test accuracy %.2f%%; largest shard holds %.0f MiB (cap %.0f), peak RSS per rank %@ MiB",
        batches, seconds, Double(batches * batchSize) / seconds, history.last!.testAccuracy * 100, Double(heldMax) / 1_048_576, memoryCapMib,
        rss.map { String(format: "%.0f", Double($0) / 1_048_576) }.joined(separator: "/")))
    try emit(
      [
        "benchmark": "sharded", "ranks": world.size, "threads_per_rank": Parallel.threadCount, "hidden": hidden,
        "epsilon": epsilon, "connections": Int(connections), "whole_layer_mib": wholeBytes / 1_048_576,
        "largest_shard_mib": Double(heldMax) / 1_048_576, "memory_cap_mib": memoryCapMib,
        "peak_rss_mib_per_rank": rss.map { Double($0) / 1_048_576 }, "samples_per_second": Double(batches * batchSize) / seconds,
        "test_accuracy_2000": history.last!.testAccuracy, "batches": batches,
        "date": ISO8601DateFormatter().string(from: Date()),
      ], to: json)
  }
}
