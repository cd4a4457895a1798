// BLAS: the one place Sprig calls OpenBLAS's cblas.
import CBLAS

/// Dense linear algebra on OpenBLAS.
public enum BLAS {
  /// `C = alpha · op(A) · op(B) + beta · C`, where `op` transposes when asked.
  ///
  /// `C` must already have the shape of the product.
  public static func gemm(
    _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
    into c: Matrix, alpha: Float = 1, beta: Float = 0
  ) {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kb = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
    precondition(c.rows == m && c.columns == n, "gemm: output is \(c.rows)×\(c.columns), product is \(m)×\(n)")
    if m == 0 || n == 0 { return }
    if k == 0 {
      if beta == 0 { c.fill(0) } else { for i in c.elements.indices { c.elements[i] *= beta } }
      return
    }
    useThreads(forWork: m * n * k)
    a.elements.withUnsafeBufferPointer { pa in
      b.elements.withUnsafeBufferPointer { pb in
        c.elements.withUnsafeMutableBufferPointer { pc in
          cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress, Int32(max(a.columns, 1)),
            pb.baseAddress, Int32(max(b.columns, 1)), beta, pc.baseAddress, Int32(max(n, 1)))
        }
      }
    }
  }

  /// `C = alpha · op(A) · op(B) + beta · C` on row-major arrays: `op(A)` is
  /// `m × k`, `op(B)` is `k × n`, `C` is `m × n`.
  public static func gemm<A: ContiguousFloats, B: ContiguousFloats, C: MutableContiguousFloats>(
    m: Int, n: Int, k: Int, _ a: A, transposeA: Bool = false, _ b: B, transposeB: Bool = false,
    into c: inout C, alpha: Float = 1, beta: Float = 0
  ) {
    precondition(a.count == m * k && b.count == k * n && c.count == m * n, "gemm: array sizes do not match \(m)×\(k)·\(k)×\(n)")
    if m == 0 || n == 0 || k == 0 { return }
    useThreads(forWork: m * n * k)
    a.withContiguousFloats { pa in
      b.withContiguousFloats { pb in
        c.withMutableContiguousFloats { pc in
          cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress, Int32(transposeA ? m : k),
            pb.baseAddress, Int32(transposeB ? k : n), beta, pc.baseAddress, Int32(n))
        }
      }
    }
  }

  /// `y += alpha · x` over whole arrays.
  public static func axpy(_ alpha: Float, _ x: [Float], _ y: inout [Float]) {
    precondition(x.count == y.count, "axpy: lengths differ")
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        cblas_saxpy(Int32(x.count), alpha, px.baseAddress, 1, py.baseAddress, 1)
      }
    }
  }

  nonisolated(unsafe) private static var threadsAllowed = 1
  nonisolated(unsafe) private static var threadsInUse = -1

  /// The linked OpenBLAS's version and the core it runs kernels for, e.g.
  /// `OpenBLAS 0.3.21 (SkylakeX)`.
  public static var libraryVersion: String {
    guard let config = openblas_get_config() else { return "OpenBLAS (unknown)" }
    let version = String(cString: config).split(separator: " ").prefix(2).joined(separator: " ")
    let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
    return "\(version) (\(core))"
  }

  /// OpenBLAS's kernel cores that use AVX-512 (the rest use AVX2 or less).
  static let avx512Cores: Set<String> = ["SkylakeX", "Cooperlake", "SapphireRapids"]

  /// A warning when OpenBLAS runs AVX2 kernels on a CPU with AVX-512, or
  /// `nil` when its core fits the CPU.
  ///
  /// OpenBLAS 0.3.21 does not know AMD Zen 5 and on it picks Haswell or
  /// Cooperlake from run to run (seen: sgemm 105 vs 205 GFLOP/s on one core),
  /// so dense layers, and every sparse-to-dense ratio, would depend on a
  /// coin flip. OpenBLAS chooses its core when it loads, before Sprig runs,
  /// so only the environment can fix it.
  public static var coreMismatchWarning: String? {
    warning(core: openblas_get_corename().map { String(cString: $0) } ?? "?",
            cpuHasAVX512: SparseKernels.detectedInstructionSet == .avx512)
  }

  static func warning(core: String, cpuHasAVX512: Bool) -> String? {
    guard cpuHasAVX512, !avx512Cores.contains(core) else { return nil }
    return "OpenBLAS runs its \(core) (AVX2) kernels on this AVX-512 CPU, about half the dense speed: "
      + "run with OPENBLAS_CORETYPE=SkylakeX in the environment."
  }

  /// Sets OpenBLAS's own thread count (Sprig's ``Parallel/threadCount`` calls it).
  static func setThreads(_ n: Int) {
    threadsAllowed = n
    threadsInUse = -1
  }

  /// Small products run on one thread: OpenBLAS's idle workers spin after a
  /// threaded call, stealing the cores Sprig's own kernels need next (seen
  /// as half of a sparse MLP's epoch spent in sched_yield for a 1000×10
  /// output layer).
  private static func useThreads(forWork work: Int) {
    let n = work < 1 << 22 ? 1 : threadsAllowed
    if n != threadsInUse {
      openblas_set_num_threads(Int32(n))
      threadsInUse = n
    }
  }
}
