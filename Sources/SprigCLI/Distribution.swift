// Distribution: how `sprig train --distributed` reaches MPI, which this
// module never links: sprig-mpi (Distributed/) installs the runtime.
import ArgumentParser
import Sprig

/// The ranks `--distributed` trains with, as the MPI side hands them over.
public struct DistributedRuntime {
  /// The group of ranks, and the threads each should run (the cores it
  /// may use).
  public var start: () throws -> (group: Collective, threadsPerRank: Int)

  public init(start: @escaping () throws -> (group: Collective, threadsPerRank: Int)) {
    self.start = start
  }
}

/// The runtime `--distributed` uses: nil in `sprig`, set by `sprig-mpi`
/// before it parses its arguments.
public enum Distribution {
  nonisolated(unsafe) public static var runtime: DistributedRuntime?
}

/// The commands of `sprig`, for a tool that runs the same ones (sprig-mpi).
public enum SprigCommands {
  public static let all: [any ParsableCommand.Type] = SprigCommand.configuration.subcommands
}
