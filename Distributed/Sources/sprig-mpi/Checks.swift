// The distributed behaviours the tests assert, each a function every rank
// runs under mpirun; a check returns what failed on this rank.
import Foundation
import Sprig
import SprigDistributed

struct CheckReport {
  var lines: [String] = []
  var failures: [String] = []

  mutating func expect(_ condition: Bool, _ failure: @autoclosure () -> String) {
    if !condition { failures.append(failure()) }
  }
}

enum DistributedChecks {
  static let all: [(String, (MPIProcessGroup) throws -> CheckReport)] = [
    ("gradient", gradientMatchesOneProcess),
    ("patterns", patternsAgreeAfterRewiring),
    ("divergence", divergenceIsCaught),
    ("nan", nonFiniteLossStopsEveryRank),
    ("sharded", shardedLayerMatchesWholeLayer),
    ("sharded-training", shardedModelTrains),
  ]
  static var names: [String] { all.map(\.0) }
  static func named(_ name: String) -> ((MPIProcessGroup) throws -> CheckReport)? { all.first { $0.0 == name }?.1 }

  /// A learnable problem: `count` Gaussian samples of `features` values,
  /// labelled by the largest of `classes` fixed random projections.
  static func syntheticData(count: Int, features: Int, classes: Int, seed: UInt64) -> LabeledData {
    syntheticSplit(train: count, test: 0, features: features, classes: classes, seed: seed).train
  }

  /// Training and test samples of one such problem (one projection).
  static func syntheticSplit(train: Int, test: Int, features: Int = 12, classes: Int = 3, seed: UInt64) -> DatasetSplit {
    let all = syntheticSamples(count: train + test, features: features, classes: classes, seed: seed)
    func part(_ r: Range<Int>) -> LabeledData {
      LabeledData(
        features: Array(all.features[(r.lowerBound * features)..<(r.upperBound * features)]), labels: Array(all.labels[r]),
        shape: all.shape, classCount: classes)
    }
    return DatasetSplit(name: "synthetic", train: part(0..<train), test: part(train..<(train + test)))
  }

  static func syntheticSamples(count: Int, features: Int, classes: Int, seed: UInt64) -> LabeledData {
    var rng = SeededGenerator(seed: seed)
    let projection = (0..<(features * classes)).map { _ in rng.nextNormal() }
    var x = [Float](), labels = [Int32]()
    for _ in 0..<count {
      let sample = (0..<features).map { _ in rng.nextNormal() }
      let scores = (0..<classes).map { c in (0..<features).reduce(Float(0)) { $0 + sample[$1] * projection[c * features + $1] } }
      labels.append(Int32(scores.indices.max { scores[$0] < scores[$1] }!))
      x += sample
    }
    return LabeledData(features: x, labels: labels, shape: ImageShape(height: 1, width: features), classCount: classes)
  }

  /// A sparse MLP with a dense output layer: sparse values and dense
  /// gradients both cross the sum.
  static func model(seed: UInt64, features: Int = 12, classes: Int = 3, activation: ActivationKind = .relu) throws -> Sequential {
    let config = MLPConfiguration(
      inputSize: features, hiddenSizes: [20, 16], outputSize: classes, activation: activation, epsilon: 3,
      denseOutputLayer: true)
    return try Sequential(description: try config.description(), seed: seed)
  }

  static func plainSGD(epochs: Int, batch: Int, zeta: Double) -> TrainingOptions {
    var o = TrainingOptions()
    (o.epochs, o.batchSize, o.learningRate, o.momentum, o.weightDecay) = (epochs, batch, 1, 0, 0)
    o.learningRateSchedule = .constant
    o.zeta = zeta
    o.savesResumeState = false
    return o
  }

  /// One SGD step (lr 1, no momentum or decay) on one global batch of 37
  /// samples: `w₀ − w₁` is the gradient, summed over the ranks' shares or
  /// taken by one process, and the two agree to 1e-5.
  static func gradientMatchesOneProcess(_ world: MPIProcessGroup) throws -> CheckReport {
    var report = CheckReport()
    let data = syntheticData(count: 37, features: 12, classes: 3, seed: 5)
    let split = DatasetSplit(name: "synthetic", train: data, test: data)
    let options = plainSGD(epochs: 1, batch: 37, zeta: 0)
    func gradient(_ group: Collective?) throws -> [Float] {
      let model = try model(seed: 11)
      let before = model.parameters.flatMap(\.value)
      try Trainer(model: model, options: options, collective: group).fit(split)
      return zip(before, model.parameters.flatMap(\.value)).map { $0 - $1 }
    }
    let alone = try gradient(nil), together = try gradient(world)
    let worst = zip(alone, together).map { abs($0 - $1) }.max() ?? .infinity
    let scale = alone.map(abs).max() ?? 0
    report.lines.append(String(format: "%d values, largest |g| %.4f, largest difference %.2e", alone.count, scale, worst))
    report.expect(alone.count == together.count, "\(together.count) gradient values, \(alone.count) alone")
    report.expect(worst <= 1e-5, "gradients differ by \(worst) (> 1e-5)")
    report.expect(scale > 1e-3, "the gradient is ~0 (\(scale)): the check would prove nothing")
    return report
  }

  /// Four epochs with SET after each, synchronous and with local steps:
  /// the trainer compares pattern fingerprints after every rewire (and
  /// would throw), and so does this check, on the final topology.
  static func patternsAgreeAfterRewiring(_ world: MPIProcessGroup) throws -> CheckReport {
    var report = CheckReport()
    let split = syntheticSplit(train: 400, test: 200, seed: 1)
    for parallelism in [DataParallelism.synchronous, .localSteps(averagingPeriod: 3)] {
      let model = try model(seed: 3)
      let before = model.sparseLayers.map(\.pattern.fingerprint)
      var options = plainSGD(epochs: 4, batch: 32, zeta: 0.3)
      options.learningRate = 0.05
      let history = try Trainer(model: model, options: options, collective: world, parallelism: parallelism).fit(split)
      let prints = model.sparseLayers.map { world.gather($0.pattern.fingerprint) }
      report.expect(prints.allSatisfy { Set($0).count == 1 }, "\(parallelism): fingerprints differ across ranks: \(prints)")
      report.expect(
        zip(before, prints).contains { $0 != $1[0] }, "\(parallelism): the topology never changed, so the check proves nothing")
      let values = world.gather(model.parameters.flatMap(\.value).withUnsafeBytes { bytes in
        bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
      })
      report.expect(Set(values).count == 1, "\(parallelism): the ranks' weights differ: \(values)")
      report.lines.append(
        "\(parallelism): test accuracy \(String(format: "%.1f%%", history.last!.testAccuracy * 100)), fingerprints "
          + prints.map { String($0[0], radix: 16) }.joined(separator: ", "))
    }
    return report
  }

  /// Two ways ranks can disagree, both stopped with a clear error on every
  /// rank: a model built from another seed (other connection counts: found
  /// before the first step, where a sum of unequal buffers would fail inside
  /// MPI), and weights that differ (rank 1 zeroes half of the first layer's:
  /// found at the first rewire, which prunes them there alone).
  static func divergenceIsCaught(_ world: MPIProcessGroup) throws -> CheckReport {
    var report = CheckReport()
    let split = syntheticSplit(train: 128, test: 64, seed: 1)
    var options = plainSGD(epochs: 3, batch: 32, zeta: 0.3)
    options.learningRate = 0.05
    for (what, expectedEpoch) in [("another seed", 0), ("other weights", 1)] {
      let model = try model(seed: what == "another seed" && world.rank == 1 ? 99 : 3)
      if what == "other weights" && world.rank == 1 {
        let w = model.sparseLayers[0].weight
        for k in stride(from: 0, to: w.count, by: 2) { w.value[k] = 0 }
      }
      do {
        try Trainer(model: model, options: options, collective: world).fit(split)
        report.failures.append("\(what): training went on with different models")
      } catch TrainingError.topologyDiverged(let layer, let index, let epoch, let prints) {
        report.lines.append("\(what): caught at epoch \(epoch), sparse layer \(index) (\(layer)): \(prints.joined(separator: ", "))")
        report.expect(epoch == expectedEpoch, "\(what): caught at epoch \(epoch), not \(expectedEpoch)")
      }
    }
    return report
  }

  /// A NaN weight on the last rank alone: its loss is NaN from the first
  /// batch, and every rank stops at the same batch with the non-finite
  /// error (none waits for a sum). (NaN in the data itself is refused
  /// before training, on every rank alike.)
  static func nonFiniteLossStopsEveryRank(_ world: MPIProcessGroup) throws -> CheckReport {
    var report = CheckReport()
    let split = syntheticSplit(train: 256, test: 64, seed: 1)
    // tanh carries NaN on (ReLU's max(x, 0) maps it to 0).
    var options = plainSGD(epochs: 2, batch: 128, zeta: 0.3)
    options.learningRate = 0.05
    for parallelism in [DataParallelism.synchronous, .localSteps(averagingPeriod: 2)] {
      let model = try model(seed: 3, activation: .tanh)
      if world.rank == world.size - 1 { model.sparseLayers[0].weight.value[0] = .nan }
      do {
        try Trainer(model: model, options: options, collective: world, parallelism: parallelism).fit(split)
        report.failures.append("\(parallelism): training went on through NaN")
      } catch TrainingError.nonFinite(let layer, let index, let epoch, let batch, _) {
        report.lines.append("\(parallelism): stopped in epoch \(epoch), batch \(batch): layer \(index) (\(layer))")
        report.expect(epoch == 1, "\(parallelism): stopped in epoch \(epoch), not the first")
        // Every rank names the same layer and batch.
        let key = UInt64(epoch) << 40 | UInt64(batch) << 20 | UInt64(index)
        report.expect(Set(world.gather(key)).count == 1, "\(parallelism): the ranks report different layers or batches")
        report.expect(index < model.layers.count, "\(parallelism): no layer named (\(layer))")
      }
    }
    return report
  }

  /// A sharded 30→50 layer against the whole layer each rank also holds:
  /// forward, input gradient, and this shard's weight and bias gradients.
  static func shardedLayerMatchesWholeLayer(_ world: MPIProcessGroup) throws -> CheckReport {
    var report = CheckReport()
    var rng = SeededGenerator(seed: 21)
    let whole = SparseLinear(inputSize: 30, outputSize: 50, epsilon: 6, using: &rng)
    for k in whole.bias.value.indices { whole.bias.value[k] = rng.nextNormal() }
    let sharded = ShardedSparseLinear(slicing: whole, group: world)
    let batch = 7
    let x = Matrix(rows: 30, columns: batch, elements: (0..<(30 * batch)).map { _ in rng.nextNormal() })
    let dY = Matrix(rows: 50, columns: batch, elements: (0..<(50 * batch)).map { _ in rng.nextNormal() })
    let y0 = whole.forward(x, training: true).copy()
    let dX0 = whole.backward(dY).copy()
    let y1 = sharded.forward(x, training: true).copy()
    let dX1 = sharded.backward(dY).copy()
    func worst(_ a: [Float], _ b: [Float]) -> Float { a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity }
    let rows = sharded.rowRanges[world.rank]
    let p = whole.pattern
    let span = Int(p.rowPointers[rows.lowerBound])..<Int(p.rowPointers[rows.upperBound])
    let errors = [
      ("forward", worst(Array(y0.elements), Array(y1.elements))),
      ("input gradient", worst(Array(dX0.elements), Array(dX1.elements))),
      ("weight gradient", worst(Array(whole.weight.gradient[span]), sharded.shard.weight.gradient)),
      ("bias gradient", worst(Array(whole.bias.gradient[rows]), sharded.shard.bias.gradient)),
    ]
    for (what, error) in errors { report.expect(error <= 1e-5, "\(what) differs by \(error)") }
    report.lines.append(
      "rank 0 holds rows \(rows) (\(sharded.connectionCount) of \(whole.connectionCount) connections); "
        + errors.map { String(format: "%@ %.1e", $0.0, $0.1) }.joined(separator: ", "))
    let counts = world.sum([Double(sharded.connectionCount)])[0]
    report.expect(Int(counts) == whole.connectionCount, "the shards hold \(Int(counts)) connections, the layer \(whole.connectionCount)")
    return report
  }

  /// A 12→(sharded 64)→ReLU→3 model trained by an ordinary Trainer on
  /// every rank (model parallel: each rank sees every batch): it learns,
  /// and its replicated layers stay identical on all ranks through rewiring.
  static func shardedModelTrains(_ world: MPIProcessGroup) throws -> CheckReport {
    var report = CheckReport()
    let split = syntheticSplit(train: 600, test: 300, seed: 1)
    var rng = SeededGenerator(seed: 4)
    let hidden = ShardedSparseLinear(inputSize: 12, outputSize: 64, epsilon: 4, group: world, seed: 8)
    let model = Sequential([
      hidden, ReLU(size: 64), Linear(inputSize: 64, outputSize: 3, using: &rng),
    ])
    model.setDescription(
      ModelDescription(
        input: InputDescription(features: 12),
        layers: [.sparseLinear(units: 64, topology: TopologyDescription(kind: .er, density: 0.25)), .activation(.relu), .linear(units: 3)]))
    var options = plainSGD(epochs: 5, batch: 30, zeta: 0.2)
    options.learningRate = 0.05
    let history = try Trainer(model: model, options: options).fit(split)
    let accuracy = history.last!.testAccuracy
    let dense = world.gather(model.layers[2].parameters.flatMap(\.value).withUnsafeBytes { bytes in
      bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    })
    report.expect(Set(dense).count == 1, "the replicated output layer differs across ranks")
    report.expect(accuracy > 0.6, "test accuracy \(accuracy) ≤ 60 % on a problem a linear model solves")
    report.lines.append(String(format: "test accuracy %.1f%% after 5 epochs, %d connections on rank 0", accuracy * 100, hidden.connectionCount))
    return report
  }
}
