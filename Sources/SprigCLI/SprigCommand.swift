// The `sprig` command line: train, evaluate, inspect.
import ArgumentParser
import Sprig

/// The `sprig` command.
public struct SprigCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "sprig",
    abstract: "Train and evaluate sparse, evolving neural networks.",
    discussion: "Data is looked up under $SPRIG_DATA, ./datasets and /usr/share/datasets.",
    version: Sprig.version,
    subcommands: [Train.self, Evaluate.self, Inspect.self, Analyze.self, Example.self],
    defaultSubcommand: nil)
  public init() {}
}
