// KernelTuning: the C kernels' experiment knobs, set from Swift (for
// sprig-bench), so that a kernel choice once measured can be measured again.
import SprigKernels

extension SparseKernels {
  /// Switches inside the C kernels whose defaults were settled by
  /// measurement. Not for tuning a model: the kernels give the same values
  /// under any setting, up to the order of float sums. Benchmarks and
  /// experiments set them (`sprig-bench --prefetch-distance`,
  /// `--sddmm-slices`, `--spmm-quads`) to measure a choice again.
  public struct Tuning: Equatable, Sendable {
    /// Connections ahead whose gathered rows each kernel prefetches (0:
    /// none); nil, the kernels' own, 4.
    public var prefetchDistance: Int?
    /// Whether the SDDMM keeps a slice of dY's row in registers and takes
    /// the input rows as memory operands (AVX2 64 columns, AVX-512 128);
    /// nil, the kernels' own, on. Off is the loop it replaced: 23.9–25.5
    /// GFLOP/s against 34.4–34.6 with it, AVX2 on a Zen 3 core, 1000×1000
    /// at 4 %.
    public var sddmmSlices: Bool?
    /// Whether the forward adds four connections' products at once; nil,
    /// each instruction set's own choice: on for AVX2 and portable code
    /// (it cuts the chain of dependent multiply-adds), off for AVX-512,
    /// whose eight accumulators per row already hide that latency (on a
    /// Zen 4 core 48.2 GFLOP/s off against 42.9 on, 1000×1000 at 4 %).
    public var spmmQuads: Bool?

    /// The kernels' own settings, for every knob left nil.
    public init(prefetchDistance: Int? = nil, sddmmSlices: Bool? = nil, spmmQuads: Bool? = nil) {
      self.prefetchDistance = prefetchDistance
      self.sddmmSlices = sddmmSlices
      self.spmmQuads = spmmQuads
    }
  }

  nonisolated(unsafe) private static var currentTuning = Tuning()

  /// The knobs in force (all nil, the kernels' own, until set). Set it
  /// between kernel calls, not while one runs on another thread.
  public static var tuning: Tuning {
    get { currentTuning }
    set {
      currentTuning = newValue
      func c(_ flag: Bool?) -> Int32 { flag.map { $0 ? 1 : 0 } ?? -1 }
      sprig_kernels_set_tuning(
        newValue.prefetchDistance.map { Int32(clamping: max(0, $0)) } ?? -1, c(newValue.sddmmSlices),
        c(newValue.spmmQuads))
    }
  }
}
