// ShardedSparseLinear: one sparse layer split by output rows across ranks,
// for layers whose weights no single process holds.
import Sprig

/// A ``SparseLinear`` `inputSize → outputSize` whose rows (output units)
/// are split across the ranks of a ``Collective``: rank `r` holds rows
/// `rowRanges[r]` of W — their values, column indices, optimizer state and
/// the matching columns of Wᵀ — and nothing of the others.
///
/// Every rank sees the whole input batch (the layers before it are
/// replicated). Forward computes its rows, `Y_r = W_r·X + b_r`, and
/// all-gathers them into the full `Y` the next layer needs; backward takes
/// its rows of `dY`, writes `dW_r` and `db_r` locally, and sums the partial
/// input gradients `W_rᵀ·dY_r` over the ranks. Evolution reaches the shard
/// (``sparseLayers``), so each rank rewires its own rows; ``Trainer``'s
/// shared evolution stream stays shared, and ``rewiringStream`` tells it
/// to derive this shard's own from it.
public final class ShardedSparseLinear: Layer, HasSparseLayers, ShardedSparseLayer {
  public let inputSize: Int
  public let outputSize: Int
  public let group: Collective
  /// The output rows each rank holds, in rank order.
  public let rowRanges: [Range<Int>]
  /// This rank's rows, as a layer of its own (`rowRanges[rank].count × inputSize`).
  public let shard: SparseLinear
  public var needsInputGradient: Bool {
    get { shard.needsInputGradient }
    set { shard.needsInputGradient = newValue }
  }
  private let output = Matrix(rows: 0, columns: 0)
  private let shardGradient = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)
  private var partialSum: [Float] = []

  public var name: String { "ShardedSparseLinear \(inputSize)→\(outputSize) (rows \(rowRanges[group.rank]) of \(group.size) shards)" }
  public var parameters: [Parameter] { shard.parameters }
  public var sparseLayers: [SparseLinear] { [shard] }
  public var rewiringStream: UInt64 { UInt64(group.rank) }

  /// The rows of `outputSize` units each rank holds: as equal as they come.
  public static func rowRanges(outputSize: Int, ranks: Int) -> [Range<Int>] {
    (0..<ranks).map { (outputSize * $0 / ranks)..<(outputSize * ($0 + 1) / ranks) }
  }

  /// A new Erdős–Rényi layer at SET's `epsilon` (the density of the whole
  /// `inputSize × outputSize` layer), of which this rank draws and holds
  /// only its rows, from a stream of `seed` of its own.
  public init(
    inputSize: Int, outputSize: Int, epsilon: Double, group: Collective, seed: UInt64,
    initialization: WeightInitialization = .heUniform
  ) {
    self.inputSize = inputSize
    self.outputSize = outputSize
    self.group = group
    rowRanges = Self.rowRanges(outputSize: outputSize, ranks: group.size)
    let density = ErdosRenyiTopology.density(epsilon: epsilon, inputSize: inputSize, outputSize: outputSize)
    var rng = SeededGenerator(seed: seed).derived(UInt64(group.rank))
    let pattern = ErdosRenyiTopology.pattern(
      inputSize: inputSize, outputSize: rowRanges[group.rank].count, density: density, using: &rng)
    shard = SparseLinear(pattern: pattern, initialization: initialization, using: &rng)
  }

  /// This rank's rows of `layer` (every rank holds the whole layer once,
  /// to split it: for tests, and models small enough to build whole).
  public init(slicing layer: SparseLinear, group: Collective) {
    inputSize = layer.inputSize
    outputSize = layer.outputSize
    self.group = group
    rowRanges = Self.rowRanges(outputSize: layer.outputSize, ranks: group.size)
    let rows = rowRanges[group.rank]
    let p = layer.pattern
    let first = Int(p.rowPointers[rows.lowerBound]), last = Int(p.rowPointers[rows.upperBound])
    let pointers = p.rowPointers[rows.lowerBound...rows.upperBound].map { $0 - Int32(first) }
    let pattern = try! SparsityPattern(
      rows: rows.count, columns: layer.inputSize, rowPointers: pointers, columnIndices: Array(p.columnIndices[first..<last]))
    shard = try! SparseLinear(
      pattern: pattern, weights: Array(layer.weight.value[first..<last]), bias: Array(layer.bias.value[rows]))
  }

  /// Connections on this rank.
  public var connectionCount: Int { shard.connectionCount }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features")
    let mine = shard.forward(x, training: training)
    group.gatherRows(mine, rowCounts: rowRanges.map(\.count), into: output)
    return output
  }

  public func backward(_ dY: Matrix) -> Matrix {
    precondition(dY.rows == outputSize, "\(name): output gradient has \(dY.rows) rows")
    // dY's rows for this shard are contiguous (feature-major batches).
    let rows = rowRanges[group.rank], batch = dY.columns
    shardGradient.reshape(rows: rows.count, columns: batch)
    dY.elements.withUnsafeBufferPointer { from in
      shardGradient.elements.withUnsafeMutableBufferPointer { to in
        guard to.count > 0 else { return }
        to.baseAddress!.update(from: from.baseAddress! + rows.lowerBound * batch, count: to.count)
      }
    }
    let partial = shard.backward(shardGradient)
    guard needsInputGradient else { return partial }
    // dX = Σ_r W_rᵀ·dY_r: every rank's partial product, summed.
    if partialSum.count != partial.count { partialSum = [Float](repeating: 0, count: partial.count) }
    partial.elements.withUnsafeBufferPointer { p in
      partialSum.withUnsafeMutableBufferPointer { s in s.baseAddress!.update(from: p.baseAddress!, count: p.count) }
    }
    group.sum(&partialSum)
    inputGradient.reshape(rows: inputSize, columns: batch)
    inputGradient.elements.withUnsafeMutableBufferPointer { g in
      partialSum.withUnsafeBufferPointer { g.baseAddress!.update(from: $0.baseAddress!, count: g.count) }
    }
    return inputGradient
  }
}
