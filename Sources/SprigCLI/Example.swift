// `sprig example`: the runnable example trainings of dense conv, recurrent and classic networks.
import ArgumentParser
import Foundation
import Sprig

/// The examples `sprig example` runs.
enum ExampleName: String, ExpressibleByArgument, CaseIterable {
  case cnn
  case cnnSparseHead = "cnn-sparse-head"
  case cnnCompare = "cnn-compare"
  case lstm, gru, autoencoder, hopfield, hamming
  case convBench = "conv-bench"
}

extension AutoencoderExample.Variant: ExpressibleByArgument {}

/// `sprig example <name>`: trains or measures one example and prints its results.
struct Example: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "example",
    abstract: "Run an example: CNN, LSTM/GRU, autoencoder, Hopfield/Hamming memories, or the Conv2D benchmark.",
    discussion: """
      cnn, cnn-sparse-head and cnn-compare train a CNN on Fashion-MNIST (dense head, SET sparse head, or both); \
      lstm and gru read MNIST row by row; autoencoder writes reconstructions of MNIST as an SVG grid; \
      hopfield and hamming recall binarised MNIST digit prototypes under increasing noise; \
      conv-bench prints Conv2D forward+backward GFLOP/s next to sgemm's (use a release build). \
      Examples write no checkpoints: `sprig train --model cnn|set-cnn|lstm|gru|autoencoder` trains the same kinds of \
      network as runs that save, resume, evaluate and analyse.
      """)

  @Argument(help: "One of: \(ExampleName.allCases.map(\.rawValue).joined(separator: ", ")).")
  var name: ExampleName

  @Option(help: "Epochs.") var epochs: Int = 5
  @Option(help: "Use only the first N training samples (quick runs).") var trainLimit: Int?
  @Option(help: "Use only the first N test samples.") var testLimit: Int?
  @Option(help: "Random seed.") var seed: UInt64 = 0
  @Option(help: "SET's ε for the CNN's sparse head.") var epsilon: Double = 5
  @Option(help: "SET's ζ for the CNN's sparse head: fraction of each sign's weights rewired after each epoch.")
  var zeta: Double = 0.3
  @Option(help: "Hidden units of the LSTM/GRU.") var hidden: Int = 128
  @Option(help: "Hidden units of the CNN's fully connected head.") var headHidden: Int = 128
  @Option(help: "Learning-rate multiplier for the CNN's sparse head (sparse layers train best faster).")
  var headLearningRateScale: Float = 1
  @Option(help: "Autoencoder variant: undercomplete, sparse or denoising.")
  var variant: AutoencoderExample.Variant = .undercomplete
  @Option(help: "SET's ε for sparse autoencoder layers (default: dense layers).") var autoencoderEpsilon: Double?
  @Option(help: "Where the autoencoder's SVG goes.") var out: String = "autoencoder-reconstructions.svg"
  @Option(help: "Noisy probes per prototype and noise level (hopfield, hamming).") var trials: Int = 20
  @Option(help: "Digit classes stored (hopfield, hamming): the first N digits (default: 5 for hopfield, 10 for hamming).")
  var patterns: Int?
  @OptionGroup var data: DataSourceOptions
  @Option(help: "Threads for kernels and BLAS (default: $SPRIG_THREADS or all cores).") var threads: Int?

  func validate() throws {
    guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs).") }
    if let patterns, !(1...10).contains(patterns) { throw ValidationError("--patterns must be in 1...10, got \(patterns).") }
    guard (0...1).contains(zeta) else { throw ValidationError("--zeta must be in [0, 1], got \(zeta).") }
    guard trials > 0 else { throw ValidationError("--trials must be positive, got \(trials).") }
  }

  func load(_ dataset: DatasetName, standardize: Bool) throws -> DatasetSplit {
    var split = try data.load(dataset, trainLimit: trainLimit, testLimit: testLimit)
    if standardize { split.normalize(.standardize) }
    return split
  }

  func report(_ r: ClassifierExampleResult) {
    print(r.title)
    print("  layers: \(r.layerNames.joined(separator: ", "))")
    print("  parameters \(r.parameterCount), head weights \(r.headWeights), \(threadsPhrase(Parallel.threadCount))")
    for m in r.history {
      print(
        String(
          format: "  epoch %d  train loss %.4f  train %.2f%%  test %.2f%%  %.1f s", m.epoch, m.trainLoss, m.trainAccuracy * 100,
          m.testAccuracy * 100, m.epochSeconds))
    }
    print(String(format: "  final test accuracy %.2f%%, median epoch %.1f s", r.finalTestAccuracy * 100, r.medianEpochSeconds))
  }

  func run() throws {
    if let threads { Parallel.threadCount = threads }
    let display = ProgressDisplay()
    switch name {
    case .cnn, .cnnSparseHead, .cnnCompare:
      let split = try load(.fashionMNIST, standardize: true)
      var results: [ClassifierExampleResult] = []
      if name != .cnnSparseHead {
        results.append(try CNNExample.run(on: split, head: .dense, hiddenUnits: headHidden, epochs: epochs, seed: seed, display: display))
        report(results.last!)
      }
      if name != .cnn {
        results.append(try CNNExample.run(on: split, head: .sparse(epsilon: epsilon), hiddenUnits: headHidden, epochs: epochs, zeta: zeta, seed: seed, sparseHeadLearningRateScale: headLearningRateScale, display: display))
        report(results.last!)
      }
      if results.count == 2 {
        let (dense, sparse) = (results[0], results[1])
        print(
          String(
            format: "dense head %.2f%%, SET head %.2f%% (difference %+.2f points); head weights %d vs %d (%.1f× fewer)",
            dense.finalTestAccuracy * 100, sparse.finalTestAccuracy * 100,
            (sparse.finalTestAccuracy - dense.finalTestAccuracy) * 100, dense.headWeights, sparse.headWeights,
            Double(dense.headWeights) / Double(max(sparse.headWeights, 1))))
      }
    case .lstm, .gru:
      let split = try load(.mnist, standardize: true)
      let cell: SequenceExample.CellKind = name == .lstm ? .lstm : .gru
      report(try SequenceExample.run(on: split, cell: cell, hiddenSize: hidden, epochs: epochs, seed: seed, display: display))
    case .autoencoder:
      let split = try load(.mnist, standardize: false)
      let result = AutoencoderExample.run(on: split, variant: variant, epsilon: autoencoderEpsilon, epochs: epochs, seed: seed) {
        epoch, loss, seconds in
        print(
          String(
            format: "epoch %d  reconstruction %.5f  code penalty %.5f  %.1f s", epoch, loss.reconstruction, loss.codePenalty,
            seconds))
      }
      try result.svg.write(to: URL(fileURLWithPath: out), atomically: true, encoding: .utf8)
      print(
        String(
          format: "%@ autoencoder: test MSE %.5f, %.1f%% of code values zero, median epoch %.1f s; reconstructions in %@",
          result.variant.rawValue, result.testError, result.zeroCodeFraction * 100, result.epochSeconds, out))
    case .hopfield, .hamming:
      let split = try load(.mnist, standardize: false)
      let levels = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45]
      // Ten correlated digit prototypes are beyond what Hebbian storage holds (no stored digit is even a
      // fixed point); five show recall degrading with noise. MAXNET has no such limit.
      let patterns = self.patterns ?? (name == .hopfield ? 5 : 10)
      let binarizations: [(String, AssociativeMemoryExample.Binarization)] = [
        ("above the average digit (centred)", .aboveAverageDigit), ("mean pixel ≥ 0.3 (plain threshold)", .threshold(0.3)),
      ]
      for (label, binarization) in binarizations {
        let prototypes = Array(AssociativeMemoryExample.digitPrototypes(split.train, binarization: binarization).prefix(patterns))
        if name == .hopfield {
          print("Hopfield network, \(prototypes.count) binarised MNIST class means of 784 units, +1 \(label), asynchronous updates")
          print("noise  exact recall  nearest to right prototype")
          for p in AssociativeMemoryExample.hopfieldRecall(prototypes: prototypes, noiseLevels: levels, trials: trials, seed: seed) {
            print(String(format: "%4.0f%%  %11.1f%%  %25.1f%%", p.noise * 100, p.exact * 100, p.nearest * 100))
          }
        } else {
          print("Hamming network, \(prototypes.count) binarised MNIST class means of 784 values, +1 \(label), MAXNET ε = 1/(2M)")
          print("noise  correct winner")
          for p in AssociativeMemoryExample.hammingRecall(prototypes: prototypes, noiseLevels: levels, trials: trials, seed: seed) {
            print(String(format: "%4.0f%%  %13.1f%%", p.noise * 100, p.exact * 100))
          }
        }
      }
    case .convBench:
      print("Conv2D forward+backward vs sgemm, \(threadsPhrase(Parallel.threadCount)) (median of 10)")
      for m in ConvolutionBenchmark.standardSuite() {
        print("  " + m.label.padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: "%8.2f ms  %7.1f GFLOP/s", m.seconds * 1000, m.gflops))
      }
    }
  }
}
