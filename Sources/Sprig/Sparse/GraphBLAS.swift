// GraphBLAS: the one place Sprig calls SuiteSparse:GraphBLAS. It builds
// matrices from triplets, transposes, multiplies (the reference and the
// benchmark's second backend) and hands results back as CSR.
import CGraphBLAS

/// A SuiteSparse:GraphBLAS FP32 matrix, freed when released.
public final class GraphBLASMatrix {
  private(set) var handle: GrB_Matrix?
  /// Rows and columns.
  public let rows: Int
  public let columns: Int

  static let initialized: Bool = {
    let info = GrB_init(GrB_NONBLOCKING)
    precondition(info == GrB_SUCCESS || info == GrB_INVALID_VALUE, "GrB_init failed with \(info)")
    return true
  }()

  /// The linked SuiteSparse:GraphBLAS version, e.g. `7.4.0`.
  public static var libraryVersion: String {
    _ = initialized
    var version = [Int32](repeating: 0, count: 3)
    guard GxB_Global_Option_get_INT32(GxB_LIBRARY_VERSION, &version) == GrB_SUCCESS else { return "unknown" }
    return version.map(String.init).joined(separator: ".")
  }

  /// Sets GraphBLAS's own thread count (Sprig's ``Parallel/threadCount`` calls it).
  static func setThreads(_ n: Int) {
    _ = initialized
    _ = GxB_Global_Option_set_INT32(GxB_GLOBAL_NTHREADS, Int32(n))
  }

  static func check(_ info: GrB_Info, _ call: String) throws {
    guard info == GrB_SUCCESS else { throw SparseError.graphBLAS(call: call, code: Int32(info.rawValue)) }
  }

  /// An empty `rows × columns` matrix.
  public init(rows: Int, columns: Int) throws {
    _ = Self.initialized
    self.rows = rows
    self.columns = columns
    try Self.check(GrB_Matrix_new(&handle, GrB_FP32, GrB_Index(rows), GrB_Index(columns)), "GrB_Matrix_new")
  }

  /// The matrix built from `csr`'s triplets (`GrB_Matrix_build_FP32`).
  public convenience init(_ csr: CSRMatrix) throws {
    try self.init(rows: csr.rows, columns: csr.columns)
    var rowIndex = [GrB_Index](repeating: 0, count: csr.nonzeroCount)
    for i in 0..<csr.rows {
      for k in Int(csr.pattern.rowPointers[i])..<Int(csr.pattern.rowPointers[i + 1]) { rowIndex[k] = GrB_Index(i) }
    }
    let columnIndex = csr.pattern.columnIndices.map { GrB_Index($0) }
    try Self.check(
      GrB_Matrix_build_FP32(handle, rowIndex, columnIndex, csr.values, GrB_Index(csr.nonzeroCount), GrB_PLUS_FP32),
      "GrB_Matrix_build_FP32")
  }

  /// A dense matrix as a GraphBLAS matrix (every entry stored).
  public convenience init(dense: Matrix) throws {
    var rowIndex: [GrB_Index] = [], columnIndex: [GrB_Index] = []
    rowIndex.reserveCapacity(dense.count); columnIndex.reserveCapacity(dense.count)
    for i in 0..<dense.rows {
      for j in 0..<dense.columns { rowIndex.append(GrB_Index(i)); columnIndex.append(GrB_Index(j)) }
    }
    try self.init(rows: dense.rows, columns: dense.columns)
    try Self.check(
      GrB_Matrix_build_FP32(handle, rowIndex, columnIndex, Array(dense.elements), GrB_Index(dense.count), GrB_PLUS_FP32),
      "GrB_Matrix_build_FP32")
  }

  deinit { GrB_Matrix_free(&handle) }

  /// The number of stored entries.
  public func nonzeroCount() throws -> Int {
    var n: GrB_Index = 0
    try Self.check(GrB_Matrix_nvals(&n, handle), "GrB_Matrix_nvals")
    return Int(n)
  }

  /// The stored entries as a CSR matrix.
  public func csr() throws -> CSRMatrix {
    var n = GrB_Index(try nonzeroCount())
    var i = [GrB_Index](repeating: 0, count: Int(n)), j = i
    var x = [Float](repeating: 0, count: Int(n))
    try Self.check(GrB_Matrix_extractTuples_FP32(&i, &j, &x, &n, handle), "GrB_Matrix_extractTuples_FP32")
    return try CSRMatrix(rows: rows, columns: columns, triplets: (0..<Int(n)).map { (Int(i[$0]), Int(j[$0]), x[$0]) })
  }

  /// The transpose (`GrB_transpose`).
  public func transposed() throws -> GraphBLASMatrix {
    let t = try GraphBLASMatrix(rows: columns, columns: rows)
    try Self.check(GrB_transpose(t.handle, nil, nil, handle, nil), "GrB_transpose")
    return t
  }

  /// `op(A)·op(B)` over the plus-times semiring, optionally masked by
  /// `mask`'s pattern (then only the product's entries where `mask` has
  /// one are computed: GraphBLAS's SDDMM).
  public static func multiply(
    _ a: GraphBLASMatrix, transposeA: Bool = false, _ b: GraphBLASMatrix, transposeB: Bool = false,
    mask: GraphBLASMatrix? = nil
  ) throws -> GraphBLASMatrix {
    let c = try GraphBLASMatrix(rows: transposeA ? a.columns : a.rows, columns: transposeB ? b.rows : b.columns)
    let descriptor: GrB_Descriptor? =
      switch (transposeA, transposeB) {
      case (false, false): nil
      case (true, false): GrB_DESC_T0
      case (false, true): GrB_DESC_T1
      case (true, true): GrB_DESC_T0T1
      }
    try check(
      GrB_mxm(c.handle, mask?.handle, nil, GrB_PLUS_TIMES_SEMIRING_FP32, a.handle, b.handle, descriptor), "GrB_mxm")
    return c
  }

  /// The matrix as a dense `Matrix` (absent entries are zero).
  public func dense() throws -> Matrix { try csr().dense() }
}
