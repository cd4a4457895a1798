import ArgumentParser
import Sprig

/// The `sprig` command line: train, evaluate, inspect.
public struct SprigCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "sprig",
    abstract: "Train and evaluate sparse, evolving neural networks.",
    version: Sprig.version,
    subcommands: [])
  public init() {}
}
