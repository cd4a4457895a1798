// The `sprig` command line: train, evaluate, inspect, analyze, data, example.
import ArgumentParser
import Sprig

/// The `sprig` command.
public struct SprigCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "sprig",
    abstract: "Train and evaluate sparse, evolving neural networks.",
    discussion: "Datasets are looked up under $SPRIG_DATA, ./datasets, ~/.cache/sprig/datasets and /usr/share/datasets; `sprig data download NAME` fetches one.",
    version: Sprig.version,
    subcommands: [Train.self, Evaluate.self, Inspect.self, Analyze.self, DataCommand.self, Example.self],
    defaultSubcommand: nil)
  public init() {}
}
