// MPIProcessGroup: Sprig's Collective over Open MPI's MPI_COMM_WORLD.
import CMPI
import Foundation
import Sprig

/// The processes `mpirun` started, as a ``Collective``.
///
/// MPI starts on first use (``world``) with `MPI_THREAD_FUNNELED`: Sprig's
/// kernel threads never call MPI, only the thread that trains does. Errors
/// stay fatal (MPI's default handler): a collective that fails because a
/// rank died ends the job, which `mpirun` reports with the rank's number,
/// instead of leaving the others waiting.
public final class MPIProcessGroup: Collective {
  public let rank: Int
  public let size: Int
  /// Ranks on this machine (sharing its memory), this one included: they
  /// share its cores.
  public let localSize: Int
  private let comm: MPI_Comm
  private var chunk: [Float] = []
  private var padded: [Float] = []

  private init() {
    var provided: Int32 = 0
    MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
    comm = sprig_mpi_comm_world()
    var r: Int32 = 0, s: Int32 = 0
    MPI_Comm_rank(comm, &r)
    MPI_Comm_size(comm, &s)
    (rank, size) = (Int(r), Int(s))
    var local = sprig_mpi_comm_null()
    MPI_Comm_split_type(comm, Int32(MPI_COMM_TYPE_SHARED), 0, sprig_mpi_info_null(), &local)
    var l: Int32 = 1
    MPI_Comm_size(local, &l)
    MPI_Comm_free(&local)
    localSize = Int(l)
  }

  nonisolated(unsafe) private static var started: MPIProcessGroup?

  /// All ranks of the job (MPI starts the first time this is read).
  public static var world: MPIProcessGroup {
    if let started { return started }
    let group = MPIProcessGroup()
    started = group
    return group
  }

  /// Whether ``world`` was started, so MPI must be finalized or aborted.
  public static var isStarted: Bool { started != nil }

  /// Whether this process was started by `mpirun` (Open MPI's or PMIx's
  /// variables are set), without starting MPI.
  public static var launchedByMPIRun: Bool {
    let env = ProcessInfo.processInfo.environment
    return env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil
  }

  /// The threads a rank should run: the cores mpirun bound it to, shared
  /// with the other ranks on this machine when it bound none.
  public var threadsPerRank: Int {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let bound = Int(sprig_cores_available())
    let available = bound > 0 ? min(bound, cores) : cores
    return max(1, bound > 0 && bound < cores ? available : cores / max(1, localSize))
  }

  /// Ends MPI after every rank finished (collective).
  public static func finish() {
    guard started != nil else { return }
    MPI_Finalize()
    started = nil
  }

  /// Ends every rank of the job now, with `code`: for an error one rank
  /// may meet alone, where waiting for the others could hang.
  public static func abort(code: Int32) -> Never {
    MPI_Abort(sprig_mpi_comm_world(), code)
    exit(code)
  }

  /// Sums by reduce-scatter then all-gather rather than `MPI_Allreduce`:
  /// MPI does not promise that an all-reduce gives every rank the same bits
  /// (Open MPI's recursive doubling adds in a rank-dependent order for three
  /// or more ranks), and ranks whose weights differ in the last bit rewire
  /// differently. Here each block is summed once, on one rank, and its bytes
  /// sent to all; the traffic is a ring all-reduce's.
  public func sum(_ values: inout [Float]) {
    guard size > 1, !values.isEmpty else { return }
    let block = (values.count + size - 1) / size
    if padded.count != block * size { padded = [Float](repeating: 0, count: block * size) }
    if chunk.count != block { chunk = [Float](repeating: 0, count: block) }
    padded.withUnsafeMutableBufferPointer { p in
      values.withUnsafeBufferPointer { p.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
    }
    padded.withUnsafeMutableBufferPointer { p in
      chunk.withUnsafeMutableBufferPointer { c in
        _ = MPI_Reduce_scatter_block(p.baseAddress, c.baseAddress, Int32(block), sprig_mpi_float(), sprig_mpi_sum(), comm)
        _ = MPI_Allgather(c.baseAddress, Int32(block), sprig_mpi_float(), p.baseAddress, Int32(block), sprig_mpi_float(), comm)
      }
    }
    values.withUnsafeMutableBufferPointer { v in
      padded.withUnsafeBufferPointer { v.baseAddress!.update(from: $0.baseAddress!, count: v.count) }
    }
  }

  public func sum(_ values: [Double]) -> [Double] {
    guard size > 1, !values.isEmpty else { return values }
    // A few numbers: the root adds them in rank order and broadcasts, so
    // all ranks again hold the same bits.
    var result = [Double](repeating: 0, count: values.count)
    values.withUnsafeBufferPointer { v in
      result.withUnsafeMutableBufferPointer { r in
        _ = MPI_Reduce(v.baseAddress, r.baseAddress, Int32(v.count), sprig_mpi_double(), sprig_mpi_sum(), 0, comm)
        _ = MPI_Bcast(r.baseAddress, Int32(r.count), sprig_mpi_double(), 0, comm)
      }
    }
    return result
  }

  public func gather(_ value: UInt64) -> [UInt64] {
    var mine = value
    var all = [UInt64](repeating: 0, count: size)
    all.withUnsafeMutableBufferPointer { a in
      _ = MPI_Allgather(&mine, 1, sprig_mpi_uint64(), a.baseAddress, 1, sprig_mpi_uint64(), comm)
    }
    return all
  }

  public func gatherRows(_ local: Matrix, rowCounts: [Int], into result: Matrix) {
    precondition(rowCounts.count == size && local.rows == rowCounts[rank], "gatherRows: \(local.rows) rows, counts \(rowCounts)")
    let columns = local.columns
    result.reshape(rows: rowCounts.reduce(0, +), columns: columns)
    let counts = rowCounts.map { Int32($0 * columns) }
    var displacements = [Int32](repeating: 0, count: size)
    for r in 1..<max(size, 1) { displacements[r] = displacements[r - 1] + counts[r - 1] }
    local.elements.withUnsafeBufferPointer { l in
      result.elements.withUnsafeMutableBufferPointer { out in
        _ = MPI_Allgatherv(
          l.baseAddress, counts[rank], sprig_mpi_float(), out.baseAddress, counts, displacements, sprig_mpi_float(), comm)
      }
    }
  }

  /// Waits for every rank.
  public func barrier() { MPI_Barrier(comm) }

  /// Rank 0's `values`, on every rank.
  public func broadcast(_ values: inout [Float]) {
    values.withUnsafeMutableBufferPointer { v in
      _ = MPI_Bcast(v.baseAddress, Int32(v.count), sprig_mpi_float(), 0, comm)
    }
  }

  /// Bytes this rank sends for one ``sum(_:)`` of `count` floats (reduce-
  /// scatter and all-gather, each (size−1)/size of the padded buffer).
  public func bytesSentPerSum(count: Int) -> Int {
    let block = (count + size - 1) / size
    return 2 * (size - 1) * block * MemoryLayout<Float>.size
  }
}
