// Matrix: Sprig's dense, row-major Float32 matrix.

/// A dense, row-major matrix of `Float`.
///
/// Sprig passes activations **feature-major**: a batch of `B` samples with
/// `n` features is an `n × B` matrix whose column `j` is sample `j`. Every
/// row is then one feature over the whole batch, contiguous in memory, which
/// is what the sparse kernels need (each connection is one multiply-add over
/// a contiguous row), and dense layers compute `Y = W·X` with one sgemm.
///
/// `Matrix` is a reference type: a layer owns its output and gradient
/// buffers and hands them out without copying, so a training step allocates
/// nothing. A matrix returned by a layer stays valid until that layer's next
/// call; use ``copy()`` to keep one.
public final class Matrix {
  /// Number of rows (features, for activations).
  public private(set) var rows: Int
  /// Number of columns (samples, for activations).
  public private(set) var columns: Int
  /// The elements in row-major order: element `(i, j)` is at `i * columns + j`.
  /// Row 0 starts on a 64-byte boundary (see ``AlignedFloats``).
  public var elements: AlignedFloats

  /// A `rows × columns` matrix filled with `value`.
  public init(rows: Int, columns: Int, repeating value: Float = 0) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    self.elements = AlignedFloats(repeating: value, count: rows * columns)
  }

  /// A `rows × columns` matrix over `elements` in row-major order.
  public convenience init(rows: Int, columns: Int, elements: [Float]) {
    self.init(rows: rows, columns: columns, elements: AlignedFloats(elements))
  }

  /// A `rows × columns` matrix over `elements` in row-major order (sharing
  /// them until either side is written).
  public init(rows: Int, columns: Int, elements: AlignedFloats) {
    precondition(elements.count == rows * columns, "Matrix: \(elements.count) elements for \(rows)×\(columns)")
    self.rows = rows
    self.columns = columns
    self.elements = elements
  }

  /// A matrix from nested rows, for tests and small examples.
  public convenience init(_ nestedRows: [[Float]]) {
    let columns = nestedRows.first?.count ?? 0
    precondition(nestedRows.allSatisfy { $0.count == columns }, "Matrix: ragged rows")
    self.init(rows: nestedRows.count, columns: columns, elements: nestedRows.flatMap { $0 })
  }

  /// The number of elements, `rows × columns`.
  @inlinable public var count: Int { rows * columns }

  /// Element `(row, column)`.
  @inlinable public subscript(row: Int, column: Int) -> Float {
    get { elements[row * columns + column] }
    set { elements[row * columns + column] = newValue }
  }

  /// Gives the matrix the shape `rows × columns`. The same element count
  /// keeps the contents; another count gives zeros, in the storage the
  /// matrix already has where it is large enough (so training batches after
  /// larger evaluation batches allocate nothing).
  public func reshape(rows: Int, columns: Int) {
    if rows * columns != elements.count { elements.resetToZeros(count: rows * columns) }
    self.rows = rows
    self.columns = columns
  }

  /// Sets every element to `value`.
  public func fill(_ value: Float) {
    elements.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
  }

  /// An independent copy.
  public func copy() -> Matrix { Matrix(rows: rows, columns: columns, elements: elements) }

  /// The transpose, as a new matrix.
  public func transposed() -> Matrix {
    let t = Matrix(rows: columns, columns: rows)
    transpose(into: t)
    return t
  }

  /// Writes the transpose into `destination`, reshaping it.
  public func transpose(into destination: Matrix) {
    destination.reshape(rows: columns, columns: rows)
    let (r, c) = (rows, columns)
    elements.withUnsafeBufferPointer { src in
      destination.elements.withUnsafeMutableBufferPointer { dst in
        // Blocked so both sides stay in cache for large matrices.
        let block = 32
        for i0 in stride(from: 0, to: r, by: block) {
          for j0 in stride(from: 0, to: c, by: block) {
            for i in i0..<min(i0 + block, r) {
              for j in j0..<min(j0 + block, c) { dst[j * r + i] = src[i * c + j] }
            }
          }
        }
      }
    }
  }

  /// Row `row` as an array.
  public func row(_ row: Int) -> [Float] { Array(elements[row * columns..<(row + 1) * columns]) }

  /// Column `column` as an array (a sample, for feature-major activations).
  public func column(_ column: Int) -> [Float] { (0..<rows).map { self[$0, column] } }

  /// The index of the largest element of each column (the predicted class of
  /// each sample, for feature-major logits).
  public func argmaxPerColumn() -> [Int] {
    var best = [Int](repeating: 0, count: columns)
    var bestValue = [Float](repeating: -.infinity, count: columns)
    for i in 0..<rows {
      for j in 0..<columns where self[i, j] > bestValue[j] {
        bestValue[j] = self[i, j]
        best[j] = i
      }
    }
    return best
  }

  /// Whether every element is finite (no NaN, no ±Inf).
  public var isFinite: Bool {
    elements.withUnsafeBufferPointer { p in
      // Summing `x * 0` turns any NaN or Inf into NaN; one pass, vectorisable.
      var s: Float = 0
      for x in p { s += x * 0 }
      return s == 0
    }
  }
}

extension Matrix: Equatable {
  public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
    lhs.rows == rhs.rows && lhs.columns == rhs.columns && lhs.elements == rhs.elements
  }
}

extension Matrix: CustomStringConvertible {
  public var description: String {
    let shown = (0..<min(rows, 6)).map { i in
      (0..<min(columns, 8)).map { j in String(format: "%9.4f", Double(self[i, j])) }.joined(separator: " ")
    }
    return "Matrix \(rows)×\(columns)\n" + shown.joined(separator: "\n")
  }
}
