// Collective: the group operations that training over several processes
// needs, with no transport in the core library (SprigDistributed implements
// it over MPI).

/// A group of processes ("ranks") that train one model together.
///
/// Sprig's core never talks to a network: data-parallel training
/// (``Trainer``'s `collective`) and sharded layers call these operations,
/// and `SprigDistributed` implements them with MPI collectives. Every
/// operation is collective: all ranks call it, in the same order, with
/// buffers of the same length.
public protocol Collective: AnyObject {
  /// This process's index, `0..<size`.
  var rank: Int { get }
  /// The number of processes.
  var size: Int { get }
  /// Replaces `values` with their element-wise sum over all ranks. Every
  /// rank must receive the same bytes: ranks that apply the same update to
  /// the same weights then stay identical, which same-seed rewiring needs.
  func sum(_ values: inout [Float])
  /// The element-wise sum of `values` over all ranks, in double precision
  /// (loss sums, counts).
  func sum(_ values: [Double]) -> [Double]
  /// Every rank's `value`, in rank order.
  func gather(_ value: UInt64) -> [UInt64]
  /// Rows `0..<rowCounts[rank]` of every rank's `local` (each `rowCounts[r] ×
  /// columns`, row-major), stacked in rank order into `result` (`Σ rowCounts ×
  /// columns`).
  func gatherRows(_ local: Matrix, rowCounts: [Int], into result: Matrix)
}

extension Collective {
  /// Whether this is rank 0, the one that prints and writes files.
  public var isRoot: Bool { rank == 0 }
}

/// The one-process group: every collective is the identity.
public final class SingleProcess: Collective {
  public init() {}
  public var rank: Int { 0 }
  public var size: Int { 1 }
  public func sum(_ values: inout [Float]) {}
  public func sum(_ values: [Double]) -> [Double] { values }
  public func gather(_ value: UInt64) -> [UInt64] { [value] }
  public func gatherRows(_ local: Matrix, rowCounts: [Int], into result: Matrix) {
    result.reshape(rows: local.rows, columns: local.columns)
    result.elements = local.elements
  }
}
