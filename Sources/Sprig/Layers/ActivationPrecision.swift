// ActivationPrecision: how sparse layers store the activations and
// gradients their kernels gather.

/// The storage of the feature-major activations and output gradients that a
/// ``SparseLinear`` layer's kernels read, one row per connection.
///
/// With `bf16` a layer rounds its input and its output gradient to
/// bfloat16 (to nearest, ties to even) and its SpMMs and SDDMM read those,
/// at half the bytes; weights, their gradients, optimizer state, sums and
/// every other layer stay FP32, as in mixed-precision training. On the
/// 1000×1000, 4 % kernels of `sprig-bench kernels` that measured 1.5–1.9×
/// the FP32 kernels (vdpbf16ps on AVX-512 BF16 CPUs, widened FMAs
/// elsewhere).
public enum ActivationPrecision: String, Codable, CaseIterable, Sendable {
  /// IEEE single precision: the reference.
  case fp32
  /// bfloat16 activations and gradients, FP32 accumulation and weights.
  case bf16
}
