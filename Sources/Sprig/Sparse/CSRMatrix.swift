// CSRMatrix: a sparsity pattern with one Float per stored entry.

/// A sparse Float32 matrix in CSR form: a ``SparsityPattern`` and its values
/// in the same order.
public struct CSRMatrix: Equatable, Sendable {
  /// Which entries are stored.
  public var pattern: SparsityPattern
  /// One value per stored entry, in CSR order.
  public var values: [Float]

  /// A matrix from a pattern and its values.
  public init(pattern: SparsityPattern, values: [Float]) throws {
    guard values.count == pattern.nonzeroCount else {
      throw SparseError.valueCountMismatch(values: values.count, connections: pattern.nonzeroCount)
    }
    self.pattern = pattern
    self.values = values
  }

  /// A matrix from (row, column, value) triplets in any order; duplicates
  /// are summed (as GraphBLAS's build with PLUS does).
  public init(rows: Int, columns: Int, triplets: [(row: Int, column: Int, value: Float)]) throws {
    let pattern = try SparsityPattern(rows: rows, columns: columns, entries: triplets.map { ($0.row, $0.column) })
    var values = [Float](repeating: 0, count: pattern.nonzeroCount)
    for t in triplets { values[pattern.position(row: t.row, column: t.column)!] += t.value }
    self.pattern = pattern
    self.values = values
  }

  /// The stored entries of a dense matrix (entries equal to zero are dropped).
  public init(dense: Matrix) {
    var entries: [(row: Int, column: Int, value: Float)] = []
    for i in 0..<dense.rows {
      for j in 0..<dense.columns where dense[i, j] != 0 { entries.append((i, j, dense[i, j])) }
    }
    try! self.init(rows: dense.rows, columns: dense.columns, triplets: entries)
  }

  /// Rows and columns.
  public var rows: Int { pattern.rows }
  public var columns: Int { pattern.columns }
  /// The number of stored entries.
  public var nonzeroCount: Int { pattern.nonzeroCount }

  /// The dense `rows × columns` matrix (for tests and small examples).
  public func dense() -> Matrix {
    let m = Matrix(rows: rows, columns: columns)
    for i in 0..<rows {
      for k in Int(pattern.rowPointers[i])..<Int(pattern.rowPointers[i + 1]) {
        m[i, Int(pattern.columnIndices[k])] = values[k]
      }
    }
    return m
  }

  /// The transpose, values carried along.
  public func transposed() -> CSRMatrix {
    let (t, source) = pattern.transposed()
    return try! CSRMatrix(pattern: t, values: source.map { values[Int($0)] })
  }
}
