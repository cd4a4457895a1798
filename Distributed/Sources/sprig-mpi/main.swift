// sprig-mpi: the `sprig` commands, with `train --distributed` over Open MPI,
// and the MPI checks the tests run under mpirun.
import ArgumentParser
import Foundation
import SprigCLI
import SprigDistributed

struct SprigMPI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sprig-mpi",
    abstract: "Sprig's commands, with `train --distributed` over Open MPI: mpirun -np N sprig-mpi train --distributed …",
    discussion: "See docs/distributed.md for clusters (hostfile, --map-by, threads per rank).",
    subcommands: SprigCommands.all + [Check.self, DistributedBench.self])
}

Distribution.runtime = DistributedRuntime {
  let world = MPIProcessGroup.world
  return (world, world.threadsPerRank)
}

do {
  var command = try SprigMPI.parseAsRoot()
  try command.run()
  MPIProcessGroup.finish()
} catch {
  // A rank that fails alone cannot wait for the others to finish MPI:
  // rank 0 says why, and every rank's error ends the whole job.
  if MPIProcessGroup.isStarted && MPIProcessGroup.world.size > 1 {
    let silent = error is ExitCode || (MPIProcessGroup.world.rank != 0 && error is ValidationError)
    if !silent {
      let prefix = MPIProcessGroup.world.rank == 0 ? "" : "rank \(MPIProcessGroup.world.rank): "
      FileHandle.standardError.write(Data("sprig-mpi: \(prefix)\(SprigMPI.message(for: error))\n".utf8))
    }
    // An error every rank meets (bad options) is rank 0's to report: the
    // others give it time to, before the abort ends them all.
    if silent && MPIProcessGroup.world.rank != 0 { sleep(5) }
    MPIProcessGroup.abort(code: SprigMPI.exitCode(for: error).rawValue)
  }
  SprigMPI.exit(withError: error)
}
