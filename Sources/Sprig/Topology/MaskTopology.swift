// MaskTopology: a pattern from a boolean mask, for users who describe a
// small wiring densely (a hand-drawn connectivity, a numpy boolean array).

extension SparsityPattern {
  /// The pattern whose entry `(i, j)` exists where `mask[i·columns + j]` is
  /// true: rows are output units, columns input units (row-major, as numpy's
  /// `mask.ravel()` for a `(n_out, n_in)` array).
  ///
  /// The mask itself is `rows × columns`; use it for layers small enough to
  /// describe densely, and CSR arrays or a Matrix Market file otherwise.
  /// - Throws: ``TopologyError/invalidParameter(_:)`` if the mask does not
  ///   hold `rows × columns` entries or a size is not positive.
  public init(mask: [Bool], rows: Int, columns: Int) throws {
    guard rows > 0, columns > 0 else { throw TopologyError.invalidParameter("a \(rows)×\(columns) mask has no units") }
    guard mask.count == rows * columns else {
      throw TopologyError.invalidParameter("a mask of \(mask.count) entries is not \(rows)×\(columns) = \(rows * columns); give it row-major, one row per output unit")
    }
    var pointers = [Int32](repeating: 0, count: rows + 1)
    var indices: [Int32] = []
    for i in 0..<rows {
      for j in 0..<columns where mask[i * columns + j] { indices.append(Int32(j)) }
      pointers[i + 1] = Int32(indices.count)
    }
    self.init(unchecked: rows, columns: columns, rowPointers: pointers, columnIndices: indices)
  }

  /// The pattern of a nested mask: `mask[i][j]` says whether output unit `i`
  /// sees input `j`. All rows must have the same length.
  public init(mask: [[Bool]]) throws {
    let columns = mask.first?.count ?? 0
    guard mask.allSatisfy({ $0.count == columns }) else {
      throw TopologyError.invalidParameter("the mask's rows have different lengths; every output unit needs one entry per input")
    }
    try self.init(mask: mask.flatMap { $0 }, rows: mask.count, columns: columns)
  }
}
