// `sprig-mpi check NAME`: the distributed behaviours the tests assert, run
// on every rank under mpirun; a failed check exits ≠ 0 and says why.
import ArgumentParser
import Foundation
import Sprig
import SprigDistributed

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run one distributed self-check under mpirun (used by the tests).", shouldDisplay: false)

  @Argument(help: "\(DistributedChecks.names.joined(separator: ", "))")
  var name: String

  func run() throws {
    guard let check = DistributedChecks.named(name) else {
      throw ValidationError("unknown check \"\(name)\": one of \(DistributedChecks.names.joined(separator: ", "))")
    }
    let world = MPIProcessGroup.world
    Parallel.threadCount = 1
    let report = try check(world)
    // Every rank's verdict reaches rank 0, which prints them all.
    let failures = world.sum([report.failures.isEmpty ? 0 : 1])[0]
    if !report.failures.isEmpty {
      FileHandle.standardError.write(Data("rank \(world.rank): \(name) FAILED: \(report.failures.joined(separator: "; "))\n".utf8))
    }
    if world.rank == 0 {
      for line in report.lines { print("\(name): \(line)") }
      print("\(name): \(failures == 0 ? "ok" : "FAILED on \(Int(failures)) of \(world.size) ranks") (\(world.size) ranks)")
    }
    if failures > 0 { throw ExitCode(1) }
  }
}
