// GraphBLASKernels: a sparse layer's three products computed by
// SuiteSparse:GraphBLAS — the reference backend the benchmarks compare
// Sprig's own kernels with.
import CGraphBLAS
import Foundation

/// Which engine runs a sparse layer's products.
public enum SparseBackend: String, Codable, CaseIterable, Sendable {
  /// Sprig's own CSR kernels (the default, and the fast one).
  case sprig
  /// SuiteSparse:GraphBLAS `GrB_mxm` (masked for the weight gradient).
  case graphBLAS = "graphblas"
}

/// Forward, backward and SDDMM of a sparse layer through GraphBLAS, in its
/// best formulation measured here: W imported as CSR, activations imported
/// as full row-major matrices, products accumulated into a full output so
/// they can be exported without a scatter.
public enum GraphBLASKernels {
  /// Copies `pattern` and `values` into a new GraphBLAS CSR matrix.
  static func importCSR(_ pattern: SparsityPattern, _ values: [Float]) throws -> GrB_Matrix? {
    _ = GraphBLASMatrix.initialized
    let nnz = pattern.nonzeroCount
    var ap = malloc(8 * (pattern.rows + 1))!.assumingMemoryBound(to: GrB_Index.self) as UnsafeMutablePointer<GrB_Index>?
    var aj = malloc(8 * max(nnz, 1))!.assumingMemoryBound(to: GrB_Index.self) as UnsafeMutablePointer<GrB_Index>?
    var ax = malloc(4 * max(nnz, 1))
    for i in 0...pattern.rows { ap![i] = GrB_Index(pattern.rowPointers[i]) }
    for k in 0..<nnz { aj![k] = GrB_Index(pattern.columnIndices[k]) }
    values.withUnsafeBytes { ax!.copyMemory(from: $0.baseAddress!, byteCount: 4 * nnz) }
    var a: GrB_Matrix? = nil
    try GraphBLASMatrix.check(
      GxB_Matrix_import_CSR(
        &a, GrB_FP32, GrB_Index(pattern.rows), GrB_Index(pattern.columns), &ap, &aj, &ax,
        GrB_Index(8 * (pattern.rows + 1)), GrB_Index(8 * max(nnz, 1)), GrB_Index(4 * max(nnz, 1)), false, false, nil),
      "GxB_Matrix_import_CSR")
    return a
  }

  /// Copies a dense matrix into a new full GraphBLAS matrix (`zero` fills it with zeros instead).
  static func importFull(_ m: Matrix, zero: Bool = false) throws -> GrB_Matrix? {
    _ = GraphBLASMatrix.initialized
    let bytes = 4 * max(m.count, 1)
    var ax = malloc(bytes)
    if zero { memset(ax!, 0, bytes) } else { m.elements.withUnsafeBytes { ax!.copyMemory(from: $0.baseAddress!, byteCount: 4 * m.count) } }
    var a: GrB_Matrix? = nil
    try GraphBLASMatrix.check(
      GxB_Matrix_import_FullR(&a, GrB_FP32, GrB_Index(m.rows), GrB_Index(m.columns), &ax, GrB_Index(bytes), false, nil),
      "GxB_Matrix_import_FullR")
    return a
  }

  /// Copies a full GraphBLAS matrix into `m` (already shaped) and frees it.
  static func exportFull(_ a: inout GrB_Matrix?, into m: Matrix) throws {
    var type: GrB_Type? = nil
    var rows: GrB_Index = 0, columns: GrB_Index = 0, size: GrB_Index = 0
    var ax: UnsafeMutableRawPointer? = nil
    var iso = false
    try GraphBLASMatrix.check(GxB_Matrix_export_FullR(&a, &type, &rows, &columns, &ax, &size, &iso, nil), "GxB_Matrix_export_FullR")
    precondition(Int(rows) == m.rows && Int(columns) == m.columns && !iso)
    m.elements.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: ax!, byteCount: 4 * m.count) }
    free(ax)
  }

  /// `Y = W·X + bias` (bias added per row afterwards).
  public static func multiply(
    _ pattern: SparsityPattern, values: [Float], bias: [Float]?, _ x: Matrix, into y: Matrix, transposed: Bool = false
  ) throws {
    y.reshape(rows: transposed ? pattern.columns : pattern.rows, columns: x.columns)
    var w = try importCSR(pattern, values)
    var gx = try importFull(x)
    var c = try importFull(y, zero: true)
    defer { GrB_Matrix_free(&w); GrB_Matrix_free(&gx); GrB_Matrix_free(&c) }
    try GraphBLASMatrix.check(
      GrB_mxm(c, nil, GrB_PLUS_FP32, GrB_PLUS_TIMES_SEMIRING_FP32, w, gx, transposed ? GrB_DESC_T0 : nil), "GrB_mxm")
    try exportFull(&c, into: y)
    if let bias {
      let batch = y.columns
      y.elements.withUnsafeMutableBufferPointer { p in
        for i in 0..<y.rows { for b in 0..<batch { p[i * batch + b] += bias[i] } }
      }
    }
  }

  /// `gradient[k] = (dY·Xᵀ)[i, j]` for each entry `k = (i, j)` of `pattern`: masked `GrB_mxm`.
  public static func sampledProduct(_ pattern: SparsityPattern, _ dY: Matrix, _ x: Matrix, into gradient: inout [Float]) throws {
    var mask = try importCSR(pattern, [Float](repeating: 1, count: pattern.nonzeroCount))
    var gd = try importFull(dY), gx = try importFull(x)
    var c: GrB_Matrix? = nil
    defer { GrB_Matrix_free(&mask); GrB_Matrix_free(&gd); GrB_Matrix_free(&gx); GrB_Matrix_free(&c) }
    try GraphBLASMatrix.check(GrB_Matrix_new(&c, GrB_FP32, GrB_Index(pattern.rows), GrB_Index(pattern.columns)), "GrB_Matrix_new")
    try GraphBLASMatrix.check(
      GrB_mxm(c, mask, nil, GrB_PLUS_TIMES_SEMIRING_FP32, gd, gx, GrB_DESC_ST1), "GrB_mxm (masked)")
    var type: GrB_Type? = nil
    var rows: GrB_Index = 0, columns: GrB_Index = 0, apSize: GrB_Index = 0, ajSize: GrB_Index = 0, axSize: GrB_Index = 0
    var ap: UnsafeMutablePointer<GrB_Index>? = nil, aj: UnsafeMutablePointer<GrB_Index>? = nil
    var ax: UnsafeMutableRawPointer? = nil
    var iso = false
    try GraphBLASMatrix.check(
      GxB_Matrix_export_CSR(&c, &type, &rows, &columns, &ap, &aj, &ax, &apSize, &ajSize, &axSize, &iso, nil, nil),
      "GxB_Matrix_export_CSR")
    defer { free(ap); free(aj); free(ax) }
    // Every product entry under the mask is structurally present (dY and X
    // are full), so the export has W's pattern in the same sorted order.
    precondition(Int(ap![pattern.rows]) == pattern.nonzeroCount && !iso, "GraphBLAS SDDMM lost entries")
    gradient.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: ax!, byteCount: 4 * pattern.nonzeroCount) }
  }
}
