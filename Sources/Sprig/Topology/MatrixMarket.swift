// MatrixMarket: read and write a layer's pattern (and weights) as a Matrix
// Market coordinate file, the sparse exchange format of SuiteSparse, scipy
// (`scipy.io.mmread`/`mmwrite`) and MATLAB.
import Foundation

/// Matrix Market coordinate files (`.mtx`), rows = output units, columns =
/// input units, 1-based indices as the format prescribes.
///
/// Reads `matrix coordinate {real | integer | pattern} general` files:
/// comment lines (`%`) and blank lines are skipped, every entry must be in
/// range and appear once. Symmetric, complex and dense (`array`) files are
/// refused with a message saying so: a layer's weight matrix is rectangular
/// and real. Every problem is a ``TopologyError/matrixMarket(file:line:reason:)``
/// naming the file and line.
public enum MatrixMarket {
  /// A pattern read from a file, with the file's values if it has any.
  public struct Contents: Equatable, Sendable {
    /// Which connections exist, as a sorted, duplicate-free CSR pattern.
    public var pattern: SparsityPattern
    /// One value per connection in CSR order, or `nil` for a `pattern` file.
    public var values: [Float]?
  }

  /// The most rows or columns a file may declare (2^24, beyond any layer
  /// Sprig trains; the row pointers of that many rows take 64 MB).
  public static let maximumUnits = 1 << 24

  /// Reads the file at `url`.
  public static func read(contentsOf url: URL) throws -> Contents {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw TopologyError.matrixMarket(file: url.path, line: 0, reason: "cannot be read (\(error.localizedDescription))")
    }
    return try parse([UInt8](data), file: url.path)
  }

  /// Parses the bytes of a Matrix Market file; `file` names it in errors.
  public static func parse(_ bytes: [UInt8], file: String = "<memory>") throws -> Contents {
    var parser = Parser(bytes: bytes, file: file)
    return try parser.run()
  }

  /// Writes `pattern` (and `values`, if given, as `real`; else as `pattern`)
  /// to `url`, entries in row-major order, values in shortest round-trip form.
  ///
  /// - Parameters:
  ///   - pattern: the connections; rows are output units.
  ///   - values: one value per connection in CSR order, or nil.
  ///   - url: the file to create or replace.
  ///   - comment: optional lines written after the header, each prefixed by `%`.
  public static func write(_ pattern: SparsityPattern, values: [Float]? = nil, to url: URL, comment: String? = nil) throws {
    precondition(values == nil || values!.count == pattern.nonzeroCount, "MatrixMarket.write: one value per connection")
    guard FileManager.default.createFile(atPath: url.path, contents: nil),
      let handle = try? FileHandle(forWritingTo: url)
    else {
      throw TopologyError.matrixMarket(file: url.path, line: 0, reason: "cannot be created; check the directory exists and is writable")
    }
    defer { try? handle.close() }
    var out = "%%MatrixMarket matrix coordinate \(values == nil ? "pattern" : "real") general\n"
    if let comment {
      for line in comment.split(separator: "\n", omittingEmptySubsequences: false) { out += "% \(line)\n" }
    }
    out += "\(pattern.rows) \(pattern.columns) \(pattern.nonzeroCount)\n"
    var buffer = Array(out.utf8)
    buffer.reserveCapacity(1 << 20)
    for i in 0..<pattern.rows {
      for k in Int(pattern.rowPointers[i])..<Int(pattern.rowPointers[i + 1]) {
        buffer.append(contentsOf: String(i + 1).utf8)
        buffer.append(0x20)
        buffer.append(contentsOf: String(Int(pattern.columnIndices[k]) + 1).utf8)
        if let values {
          buffer.append(0x20)
          buffer.append(contentsOf: values[k].description.utf8)
        }
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 {
          try flush(&buffer, to: handle, url)
        }
      }
    }
    try flush(&buffer, to: handle, url)
  }

  private static func flush(_ buffer: inout [UInt8], to handle: FileHandle, _ url: URL) throws {
    do {
      try handle.write(contentsOf: buffer)
    } catch {
      throw TopologyError.matrixMarket(file: url.path, line: 0, reason: "write failed (\(error.localizedDescription)); check free disk space")
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// A line-by-line scanner over the file's bytes.
  private struct Parser {
    let bytes: [UInt8]
    let file: String
    var position = 0
    var line = 0

    init(bytes: [UInt8], file: String) {
      self.bytes = bytes
      self.file = file
    }

    func fail(_ reason: String, line: Int? = nil) -> TopologyError {
      .matrixMarket(file: file, line: line ?? self.line, reason: reason)
    }

    /// The next line's byte range (without the newline), or nil at the end.
    mutating func nextLine() -> Range<Int>? {
      guard position < bytes.count else { return nil }
      let start = position
      while position < bytes.count && bytes[position] != 0x0A { position += 1 }
      var end = position
      if end > start && bytes[end - 1] == 0x0D { end -= 1 }  // CRLF files
      position += 1
      line += 1
      return start..<end
    }

    func tokens(_ range: Range<Int>) -> [Range<Int>] {
      var result: [Range<Int>] = []
      var i = range.lowerBound
      while i < range.upperBound {
        while i < range.upperBound && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        let start = i
        while i < range.upperBound && bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
        if i > start { result.append(start..<i) }
      }
      return result
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    func integer(_ range: Range<Int>, _ what: String) throws -> Int {
      var v = 0
      guard !range.isEmpty, range.count <= 18 else { throw fail("\(what) '\(text(range))' is not an integer") }
      for i in range {
        let d = Int(bytes[i]) - 0x30
        guard (0...9).contains(d) else { throw fail("\(what) '\(text(range))' is not a non-negative integer") }
        v = v * 10 + d
      }
      return v
    }

    mutating func run() throws -> Contents {
      guard let headerRange = nextLine() else { throw fail("is empty; expected a '%%MatrixMarket matrix coordinate …' header", line: 0) }
      let header = tokens(headerRange).map { text($0).lowercased() }
      guard header.count == 5, header[0] == "%%matrixmarket" else {
        throw fail("expected the header '%%MatrixMarket matrix coordinate real general', found '\(text(headerRange))'")
      }
      guard header[1] == "matrix" else { throw fail("object '\(header[1])' is not supported; only 'matrix'") }
      guard header[2] == "coordinate" else {
        throw fail("format '\(header[2])' is not supported; only sparse 'coordinate' files (write a dense matrix as a boolean mask instead)")
      }
      let hasValues: Bool
      switch header[3] {
      case "real", "integer": hasValues = true
      case "pattern": hasValues = false
      default: throw fail("field '\(header[3])' is not supported; use real, integer or pattern")
      }
      guard header[4] == "general" else {
        throw fail("symmetry '\(header[4])' is not supported; a layer's matrix is rectangular: expand it to 'general' (e.g. scipy.io.mmwrite of the full matrix)")
      }

      var sizeTokens: [Range<Int>] = []
      while let r = nextLine() {
        let t = tokens(r)
        if t.isEmpty || bytes[t[0].lowerBound] == 0x25 { continue }  // blank or % comment
        sizeTokens = t
        break
      }
      guard sizeTokens.count == 3 else {
        throw fail(sizeTokens.isEmpty ? "has no size line 'rows columns entries'" : "expected the size line 'rows columns entries', found \(sizeTokens.count) fields")
      }
      let rows = try integer(sizeTokens[0], "row count"), columns = try integer(sizeTokens[1], "column count")
      let count = try integer(sizeTokens[2], "entry count")
      guard rows > 0, columns > 0 else { throw fail("a \(rows)×\(columns) matrix has no units; both sizes must be positive") }
      // The row pointers are allocated from the size line alone, before any
      // entry is read: a 20-byte header must not cost gigabytes.
      guard rows <= maximumUnits, columns <= maximumUnits else {
        throw fail("a \(rows)×\(columns) matrix is larger than a layer Sprig builds (at most \(maximumUnits) units a side); check the size line")
      }
      guard Double(count) <= Double(rows) * Double(columns), count < Int(Int32.max) else {
        throw fail("\(count) entries cannot fit a \(rows)×\(columns) pattern without duplicates (or exceed Int32 indices)")
      }

      var entryRows = [Int32](), entryColumns = [Int32](), entryLines = [Int32](), values = [Float]()
      // An entry line takes at least 4 bytes ("1 1\n"), so the file's size bounds
      // what is worth reserving whatever its size line claims.
      let reserved = min(count, bytes.count / 4)
      entryRows.reserveCapacity(reserved); entryColumns.reserveCapacity(reserved); entryLines.reserveCapacity(reserved)
      if hasValues { values.reserveCapacity(reserved) }
      while let r = nextLine() {
        let t = tokens(r)
        if t.isEmpty || bytes[t[0].lowerBound] == 0x25 { continue }
        guard entryRows.count < count else { throw fail("more entries than the \(count) the size line declares") }
        guard t.count == (hasValues ? 3 : 2) else {
          throw fail("expected '\(hasValues ? "row column value" : "row column")', found \(t.count) fields")
        }
        let i = try integer(t[0], "row"), j = try integer(t[1], "column")
        guard (1...rows).contains(i), (1...columns).contains(j) else {
          throw fail("entry (\(i), \(j)) lies outside the \(rows)×\(columns) matrix (indices are 1-based)")
        }
        if hasValues {
          guard let v = Float(text(t[2])), v.isFinite else { throw fail("value '\(text(t[2]))' is not a finite number") }
          values.append(v)
        }
        entryRows.append(Int32(i - 1))
        entryColumns.append(Int32(j - 1))
        entryLines.append(Int32(truncatingIfNeeded: line))
      }
      guard entryRows.count == count else {
        throw fail("ends after \(entryRows.count) of the \(count) entries the size line declares", line: line)
      }
      return try assemble(rows: rows, columns: columns, entryRows, entryColumns, entryLines, hasValues ? values : nil)
    }

    /// Counting sort into rows, then a sort of each row by column; a repeated
    /// entry is an error naming both lines.
    func assemble(
      rows: Int, columns: Int, _ r: [Int32], _ c: [Int32], _ lines: [Int32], _ values: [Float]?
    ) throws -> Contents {
      var pointers = [Int32](repeating: 0, count: rows + 1)
      for i in r { pointers[Int(i) + 1] += 1 }
      for i in 0..<rows { pointers[i + 1] += pointers[i] }
      var next = pointers
      var order = [Int32](repeating: 0, count: r.count)  // entry index in CSR slot order
      for e in r.indices {
        let row = Int(r[e])
        order[Int(next[row])] = Int32(e)
        next[row] += 1
      }
      var cols = [Int32](repeating: 0, count: r.count)
      var vals: [Float]? = values.map { [Float](repeating: 0, count: $0.count) }
      for i in 0..<rows {
        let start = Int(pointers[i]), end = Int(pointers[i + 1])
        order[start..<end].sort { c[Int($0)] < c[Int($1)] || (c[Int($0)] == c[Int($1)] && $0 < $1) }
        for k in start..<end {
          let e = Int(order[k])
          if k > start && c[Int(order[k - 1])] == c[e] {
            throw fail(
              "entry (\(i + 1), \(c[e] + 1)) repeats the one on line \(lines[Int(order[k - 1])]); each connection must appear once",
              line: Int(lines[e]))
          }
          cols[k] = c[e]
          if let values { vals![k] = values[e] }
        }
      }
      let pattern = SparsityPattern(unchecked: rows, columns: columns, rowPointers: pointers, columnIndices: cols)
      return Contents(pattern: pattern, values: vals)
    }
  }
}
