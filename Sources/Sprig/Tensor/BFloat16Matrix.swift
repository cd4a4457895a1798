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
public final class BFloat16Matrix {
  /// Number of rows (features, for activations).
  public private(set) var rows: Int
  /// Number of columns (samples, for activations).
  public private(set) var columns: Int
  /// The bit patterns in row-major order: element `(i, j)` is at `i * columns + j`.
  public private(set) var bits: [UInt16]

  /// A `rows × columns` matrix of zeros.
  public init(rows: Int = 0, columns: Int = 0) {
    precondition(rows >= 0 && columns >= 0, "BFloat16Matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    self.bits = [UInt16](repeating: 0, count: rows * columns)
  }

  /// `matrix` rounded to bfloat16 (see ``round(from:)``).
  public convenience init(rounding matrix: Matrix) {
    self.init()
    round(from: matrix)
  }

  /// Takes `matrix`'s shape and its elements rounded to the nearest
  /// bfloat16, ties to even; NaN stays NaN, infinities stay infinite, and
  /// values beyond bfloat16's largest finite one round to infinity.
  public func round(from matrix: Matrix) {
    rows = matrix.rows
    columns = matrix.columns
    if bits.count != matrix.count { bits = [UInt16](repeating: 0, count: matrix.count) }
    matrix.elements.withUnsafeBufferPointer { x in
      bits.withUnsafeMutableBufferPointer { y in
        sprig_bf16_round(x.baseAddress, y.baseAddress, Int64(x.count))
      }
    }
  }

  /// The elements as FP32 (exact: every bfloat16 is a float).
  public func widened() -> Matrix {
    let m = Matrix(rows: rows, columns: columns)
    bits.withUnsafeBufferPointer { x in
      m.elements.withUnsafeMutableBufferPointer { y in sprig_bf16_widen(x.baseAddress, y.baseAddress, Int64(x.count)) }
    }
    return m
  }

  /// Element `(row, column)` as a float.
  public subscript(row: Int, column: Int) -> Float {
    Float(bitPattern: UInt32(bits[row * columns + column]) << 16)
  }

  /// The nearest bfloat16 of `value` as a float, rounded as ``round(from:)`` does.
  public static func rounded(_ value: Float) -> Float {
    var x = value
    var y: UInt16 = 0
    sprig_bf16_round(&x, &y, 1)
    return Float(bitPattern: UInt32(y) << 16)
  }
}
