// Rewiring: the shared last step of every evolution strategy — merge the
// surviving connections with the new ones into a sorted CSR pattern and
// hand it to the layer with a source map, so optimizer state follows the
// survivors and new connections start from zero state.

enum Rewiring {
  /// Replaces `layer`'s pattern by its connections not marked in `remove`
  /// plus the new positions `keys` (row-major `row · columns + column`,
  /// sorted, unique, none held by a survivor); new weight `n` of row `r`
  /// (whose new in-degree is `degree`) is `newWeight(r, degree)`.
  /// - Returns: the new connection count.
  @discardableResult
  static func apply(
    to layer: SparseLinear, removing remove: [Bool], adding keys: [Int],
    newWeight: (_ row: Int, _ degree: Int) -> Float
  ) -> Int {
    let old = layer.pattern
    let values = layer.weight.value
    precondition(remove.count == old.nonzeroCount)
    let (rows, columns) = (old.rows, old.columns)
    let removed = remove.reduce(0) { $0 + ($1 ? 1 : 0) }
    let total = old.nonzeroCount - removed + keys.count
    var pointers = [Int32](repeating: 0, count: rows + 1)
    var newColumns = [Int32](), newValues = [Float](), source = [Int32]()
    newColumns.reserveCapacity(total); newValues.reserveCapacity(total); source.reserveCapacity(total)
    var next = 0  // into keys
    for r in 0..<rows {
      let start = Int(old.rowPointers[r]), end = Int(old.rowPointers[r + 1])
      var addedEnd = next
      while addedEnd < keys.count && keys[addedEnd] / columns == r { addedEnd += 1 }
      var degree = addedEnd - next
      for k in start..<end where !remove[k] { degree += 1 }
      var k = start
      while k < end || next < addedEnd {
        if k < end && remove[k] {
          k += 1
          continue
        }
        let addedColumn = next < addedEnd ? Int32(keys[next] % columns) : Int32.max
        if k >= end || addedColumn < old.columnIndices[k] {
          newColumns.append(addedColumn)
          newValues.append(newWeight(r, degree))
          source.append(-1)
          next += 1
        } else {
          precondition(addedColumn != old.columnIndices[k], "Rewiring: a new connection lands on a survivor")
          newColumns.append(old.columnIndices[k])
          newValues.append(values[k])
          source.append(Int32(k))
          k += 1
        }
      }
      pointers[r + 1] = Int32(newColumns.count)
    }
    precondition(next == keys.count, "Rewiring: new positions must be sorted row-major keys")
    let pattern = SparsityPattern(unchecked: rows, columns: columns, rowPointers: pointers, columnIndices: newColumns)
    layer.replacePattern(pattern, weights: newValues, source: source)
    return pattern.nonzeroCount
  }

  /// `keys` sorted with repeats dropped, in place.
  static func sortUnique(_ keys: inout [Int]) {
    keys.sort()
    var unique = 0
    for i in keys.indices where i == 0 || keys[i] != keys[unique - 1] {
      keys[unique] = keys[i]
      unique += 1
    }
    keys.removeLast(keys.count - unique)
  }
}
