// sprig-bench: Sprig's performance and accuracy measured, ratios in the same run.
import ArgumentParser
import Sprig

@main
struct SprigBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sprig-bench",
    abstract: "Measure Sprig: sparse kernels against dense sgemm and GraphBLAS, training epochs, accuracy tables.",
    version: Sprig.version,
    subcommands: [KernelBenchmark.self, BlockingBenchmark.self, EpochBenchmark.self, AccuracyBenchmark.self, ModelsBenchmark.self, ScaleBenchmark.self, PyTorchComparison.self])
}
