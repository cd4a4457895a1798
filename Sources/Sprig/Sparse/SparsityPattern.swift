// SparsityPattern: which connections exist, in CSR form.

/// The structure of a sparse matrix in compressed sparse row (CSR) form:
/// row `i` holds the sorted, unique column indices
/// `columnIndices[rowPointers[i]..<rowPointers[i+1]]`.
///
/// For a layer, rows are output units and columns input units, so row `i`
/// lists the inputs unit `i` is connected to. Indices are `Int32` (4 bytes
/// a connection); a layer may hold up to 2³¹−1 connections.
public struct SparsityPattern: Equatable, Sendable {
  /// Number of rows (output units).
  public let rows: Int
  /// Number of columns (input units).
  public let columns: Int
  /// `rows + 1` offsets into `columnIndices`, starting at 0, never decreasing.
  public private(set) var rowPointers: [Int32]
  /// Column index of each stored entry, sorted and unique within each row.
  public private(set) var columnIndices: [Int32]

  /// A pattern from CSR arrays; checks every invariant.
  public init(rows: Int, columns: Int, rowPointers: [Int32], columnIndices: [Int32]) throws {
    self.init(unchecked: rows, columns: columns, rowPointers: rowPointers, columnIndices: columnIndices)
    try validate()
  }

  /// A pattern from CSR arrays the caller has built correctly.
  init(unchecked rows: Int, columns: Int, rowPointers: [Int32], columnIndices: [Int32]) {
    self.rows = rows
    self.columns = columns
    self.rowPointers = rowPointers
    self.columnIndices = columnIndices
  }

  /// A pattern from a list of (row, column) pairs in any order; duplicates are merged.
  public init(rows: Int, columns: Int, entries: [(row: Int, column: Int)]) throws {
    var counts = [Int32](repeating: 0, count: rows + 1)
    for e in entries {
      guard (0..<rows).contains(e.row), (0..<columns).contains(e.column) else {
        throw SparseError.indexOutOfRange(row: e.row, column: e.column, rows: rows, columns: columns)
      }
      counts[e.row + 1] += 1
    }
    for i in 0..<rows { counts[i + 1] += counts[i] }
    var cols = [Int32](repeating: 0, count: entries.count)
    var next = counts
    for e in entries {
      cols[Int(next[e.row])] = Int32(e.column)
      next[e.row] += 1
    }
    // Sort and deduplicate each row in place, compacting as we go.
    var out: Int32 = 0
    var pointers = [Int32](repeating: 0, count: rows + 1)
    for i in 0..<rows {
      let start = Int(counts[i]), end = Int(counts[i + 1])
      cols[start..<end].sort()
      var previous: Int32 = -1
      for k in start..<end where cols[k] != previous {
        previous = cols[k]
        cols[Int(out)] = previous
        out += 1
      }
      pointers[i + 1] = out
    }
    cols.removeLast(cols.count - Int(out))
    self.init(unchecked: rows, columns: columns, rowPointers: pointers, columnIndices: cols)
  }

  /// The number of stored entries (connections).
  public var nonzeroCount: Int { columnIndices.count }

  /// The fraction of the `rows × columns` positions that are stored.
  public var density: Double {
    rows * columns == 0 ? 0 : Double(nonzeroCount) / (Double(rows) * Double(columns))
  }

  /// The stored column indices of row `row`.
  public func columns(ofRow row: Int) -> ArraySlice<Int32> {
    columnIndices[Int(rowPointers[row])..<Int(rowPointers[row + 1])]
  }

  /// The number of entries in each row (each output unit's in-degree).
  public var rowDegrees: [Int] { (0..<rows).map { Int(rowPointers[$0 + 1] - rowPointers[$0]) } }

  /// The number of entries in each column (each input unit's out-degree).
  public var columnDegrees: [Int] {
    var d = [Int](repeating: 0, count: columns)
    for c in columnIndices { d[Int(c)] += 1 }
    return d
  }

  /// Whether `(row, column)` is stored (binary search in the row).
  public func contains(row: Int, column: Int) -> Bool {
    position(row: row, column: column) != nil
  }

  /// The index into `columnIndices` of `(row, column)`, if stored.
  public func position(row: Int, column: Int) -> Int? {
    var lo = Int(rowPointers[row]), hi = Int(rowPointers[row + 1])
    let c = Int32(column)
    while lo < hi {
      let mid = (lo + hi) / 2
      if columnIndices[mid] < c { lo = mid + 1 } else { hi = mid }
    }
    return lo < Int(rowPointers[row + 1]) && columnIndices[lo] == c ? lo : nil
  }

  /// Checks the CSR invariants: pointer count and bounds, non-decreasing
  /// pointers, column indices in range, sorted and unique within each row.
  public func validate() throws {
    guard rowPointers.count == rows + 1, rowPointers.first == 0,
      Int(rowPointers.last!) == columnIndices.count
    else {
      throw SparseError.invalidPattern(
        "expected \(rows + 1) row pointers from 0 to \(columnIndices.count), found \(rowPointers.count) ending at \(rowPointers.last.map(String.init) ?? "nothing")")
    }
    for i in 0..<rows {
      let start = Int(rowPointers[i]), end = Int(rowPointers[i + 1])
      guard start <= end else { throw SparseError.invalidPattern("row pointers decrease at row \(i)") }
      var previous: Int32 = -1
      for k in start..<end {
        let c = columnIndices[k]
        guard c > previous, c < columns else {
          throw SparseError.invalidPattern(
            "row \(i): column \(c) is out of range 0..<\(columns), unsorted or duplicated")
        }
        previous = c
      }
    }
  }

  /// The transposed pattern and, for each of its entries, the position of
  /// the same connection in this pattern — so a kernel can read this
  /// pattern's values through the transpose without a second value array.
  /// Counting sort: O(connections + columns).
  public func transposed() -> (pattern: SparsityPattern, sourcePositions: [Int32]) {
    var pointers = [Int32](repeating: 0, count: columns + 1)
    for c in columnIndices { pointers[Int(c) + 1] += 1 }
    for j in 0..<columns { pointers[j + 1] += pointers[j] }
    var next = pointers
    var rowsOut = [Int32](repeating: 0, count: nonzeroCount)
    var source = [Int32](repeating: 0, count: nonzeroCount)
    rowPointers.withUnsafeBufferPointer { rp in
      columnIndices.withUnsafeBufferPointer { ci in
        rowsOut.withUnsafeMutableBufferPointer { ro in
          source.withUnsafeMutableBufferPointer { so in
            next.withUnsafeMutableBufferPointer { nx in
              for i in 0..<rows {
                for k in Int(rp[i])..<Int(rp[i + 1]) {
                  let c = Int(ci[k])
                  let dst = Int(nx[c])
                  ro[dst] = Int32(i)
                  so[dst] = Int32(k)
                  nx[c] += 1
                }
              }
            }
          }
        }
      }
    }
    let t = SparsityPattern(unchecked: columns, columns: rows, rowPointers: pointers, columnIndices: rowsOut)
    return (t, source)
  }
}

/// Errors from building or reading sparse structures.
public enum SparseError: Error, CustomStringConvertible {
  case indexOutOfRange(row: Int, column: Int, rows: Int, columns: Int)
  case invalidPattern(String)
  case valueCountMismatch(values: Int, connections: Int)
  case graphBLAS(call: String, code: Int32)

  public var description: String {
    switch self {
    case .indexOutOfRange(let r, let c, let rows, let cols):
      return "Entry (\(r), \(c)) lies outside a \(rows)×\(cols) matrix; indices are 0-based row (output unit), column (input unit)."
    case .invalidPattern(let why):
      return "Invalid CSR pattern: \(why). Row pointers must start at 0 and never decrease; columns must be sorted, unique and in range in each row."
    case .valueCountMismatch(let v, let n):
      return "\(v) values given for a pattern of \(n) connections; give exactly one value per connection, in CSR order."
    case .graphBLAS(let call, let code):
      return "GraphBLAS call \(call) failed with GrB_Info \(code)."
    }
  }
}
