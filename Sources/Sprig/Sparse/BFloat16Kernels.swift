// BFloat16Kernels: the SDDMM over bfloat16 activations and gradients, and
// the choice of its dot products (the SpMMs take a BFloat16Matrix through
// SparseKernelInput).
import SprigKernels

extension SparseKernels {
  /// Whether the bfloat16 kernels use AVX-512 BF16's dot products
  /// (vdpbf16ps). Setting it to `false` runs them with widening FMAs
  /// instead (for tests and benchmarks); `true` takes effect only where the
  /// CPU has the instructions and ``instructionSet`` is AVX-512.
  public static var usesBFloat16DotProducts: Bool {
    get { sprig_kernels_bf16_dot() != 0 }
    set { _ = sprig_kernels_allow_bf16_dot(newValue ? 1 : 0) }
  }

  /// `gradient[k] = Σ_b dY[i, b] · X[j, b]` for each stored entry `k = (i, j)`
  /// with `dY` and `X` in bfloat16: as ``sampledProduct(_:_:_:into:store:)``,
  /// products and sums in FP32.
  public static func sampledProduct(
    _ pattern: SparsityPattern, _ dY: BFloat16Matrix, _ x: BFloat16Matrix, into gradient: inout [Float],
    store: GradientStore = .gradient
  ) {
    precondition(dY.rows == pattern.rows && x.rows == pattern.columns && dY.columns == x.columns,
      "SDDMM: shapes \(dY.rows)×\(dY.columns), \(x.rows)×\(x.columns) against a \(pattern.rows)×\(pattern.columns) pattern")
    precondition(gradient.count == pattern.nonzeroCount)
    let batch = x.columns
    dY.withUnsafeBits { pd in
      x.withUnsafeBits { px in
        let (dB, xB) = (pd.baseAddress, px.baseAddress)
        forEachRowBlock(pattern, gradient: &gradient, store: store, batch: batch) { rp, ci, g, st, range, block in
          sprig_sddmm_bf16_rows(
            rp, ci, dB, Int64(batch), xB, Int64(batch), g, st, Int64(batch),
            Int64(range.lowerBound), Int64(range.upperBound), block)
        }
      }
    }
  }
}
