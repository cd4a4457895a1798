// BFloat16Matrix: activations and gradients stored as bfloat16, for the
// sparse kernels that read them at half the bytes of FP32.
import SprigKernels

/// A dense, row-major matrix of bfloat16 values: each element is the upper
/// 16 bits of an IEEE float (8 exponent bits, 7 mantissa bits), so it
/// covers FP32's range at about three significant digits.
///
/// The sparse kernels gather one row of their activations per connection;
/// stored as bfloat16 those rows are half the bytes, and the kernels widen
/// them to FP32 (exactly) and accumulate in FP32. Like ``Matrix`` this is
/// a reference type that keeps its storage across batches.
public final class BFloat16Matrix: SparseKernelInput {
  /// Number of rows (features, for activations).
  public private(set) var rows: Int
  /// Number of columns (samples, for activations).
  public private(set) var columns: Int
  /// The storage, 64-byte aligned (2 MB aligned and advised onto huge
  /// pages when large, as ``AlignedFloats``): from a plain `[UInt16]` the
  /// forward SpMM at 1000×1000, 4 %, batch 128 measured 0.139 ms against
  /// 0.123 ms from aligned huge pages.
  private var base: UnsafeMutablePointer<UInt16>
  private var capacity: Int

  /// A `rows × columns` matrix of zeros.
  public init(rows: Int = 0, columns: Int = 0) {
    precondition(rows >= 0 && columns >= 0, "BFloat16Matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    (base, capacity) = Self.allocate(rows * columns)
  }

  deinit { base.deallocate() }

  private static func allocate(_ count: Int) -> (UnsafeMutablePointer<UInt16>, Int) {
    let raw = HugePages.allocate(byteCount: max(count, 1) * MemoryLayout<UInt16>.stride)
    let base = raw.bindMemory(to: UInt16.self, capacity: max(count, 1))
    base.initialize(repeating: 0, count: max(count, 1))
    return (base, max(count, 1))
  }

  /// The number of elements, `rows × columns`.
  public var count: Int { rows * columns }

  /// The bit patterns in row-major order: element `(i, j)` is at `i * columns + j`.
  public var bits: [UInt16] { Array(UnsafeBufferPointer(start: base, count: count)) }

  /// Calls `body` with the bit patterns, for the kernels.
  func withUnsafeBits<R>(_ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: base, count: count))
  }

  /// `matrix` rounded to bfloat16 (see ``round(from:)``).
  public convenience init(rounding matrix: Matrix) {
    self.init()
    round(from: matrix)
  }

  /// Takes `matrix`'s shape and its elements rounded to the nearest
  /// bfloat16, ties to even; NaN stays NaN, infinities stay infinite, and
  /// values beyond bfloat16's largest finite one round to infinity. Reuses
  /// the storage it has when that is large enough.
  public func round(from matrix: Matrix) {
    if matrix.count > capacity {
      base.deallocate()
      (base, capacity) = Self.allocate(matrix.count)
    }
    rows = matrix.rows
    columns = matrix.columns
    // Split over the threads like the kernels around it: on one thread the
    // rounding was 4 % of a bf16 SET-MLP step, and it does not shrink with
    // the second core the kernels use.
    let y = base
    matrix.elements.withUnsafeBufferPointer { x in
      let xB = x.baseAddress!
      Parallel.forEachChunk(of: x.count, minimumChunk: 1 << 16) { r in
        sprig_bf16_round(xB + r.lowerBound, y + r.lowerBound, Int64(r.count))
      }
    }
  }

  /// The elements as FP32 (exact: every bfloat16 is a float).
  public func widened() -> Matrix {
    let m = Matrix(rows: rows, columns: columns)
    m.elements.withUnsafeMutableBufferPointer { y in sprig_bf16_widen(base, y.baseAddress, Int64(count)) }
    return m
  }

  /// Element `(row, column)` as a float.
  public subscript(row: Int, column: Int) -> Float {
    precondition(row >= 0 && row < rows && column >= 0 && column < columns, "BFloat16Matrix: (\(row), \(column)) out of range")
    return Float(bitPattern: UInt32(base[row * columns + column]) << 16)
  }

  /// The nearest bfloat16 of `value` as a float, rounded as ``round(from:)`` does.
  public static func rounded(_ value: Float) -> Float {
    var x = value
    var y: UInt16 = 0
    sprig_bf16_round(&x, &y, 1)
    return Float(bitPattern: UInt32(y) << 16)
  }
}
