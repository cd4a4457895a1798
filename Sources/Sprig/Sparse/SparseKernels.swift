// SparseKernels: the Swift face of the C kernels in SprigKernels (SpMM,
// SDDMM, bias sums), split into row chunks over Sprig's threads.
import Foundation
import SprigKernels

/// The instruction set the sparse kernels run with.
public enum InstructionSet: String, CaseIterable, Sendable {
  case generic, avx2, avx512

  init(_ isa: sprig_isa) {
    switch isa {
    case SPRIG_ISA_AVX512: self = .avx512
    case SPRIG_ISA_AVX2: self = .avx2
    default: self = .generic
    }
  }

  var c: sprig_isa {
    switch self {
    case .generic: return SPRIG_ISA_GENERIC
    case .avx2: return SPRIG_ISA_AVX2
    case .avx512: return SPRIG_ISA_AVX512
    }
  }
}

/// Sparse × dense kernels over feature-major activations.
public enum SparseKernels {
  /// The best instruction set this CPU supports.
  public static var detectedInstructionSet: InstructionSet { InstructionSet(sprig_kernels_detected_isa()) }

  /// The instruction set in use. Setting it forces a code path (clamped to
  /// what the CPU supports), for tests and benchmarks.
  public static var instructionSet: InstructionSet {
    get { InstructionSet(sprig_kernels_active_isa()) }
    set { _ = sprig_kernels_force_isa(newValue.c) }
  }

  /// Whether the one-pass backward (``backward(transposed:values:valuePositions:_:_:inputGradient:weightGradient:)``)
  /// beats the backward SpMM followed by the SDDMM for a layer with
  /// `outputs` outputs at `batch` columns. Two conditions, both measured:
  /// - a batch tile of 128 keeps its inputs and accumulators in registers
  ///   (AVX-512: 32 registers of 16 lanes); with AVX2's 16 registers of 8
  ///   lanes the tile is 64 and spills, and on a Zen 3 core it measured
  ///   1.20–1.86 ms against 1.06–1.43 ms for the two separate kernels
  ///   (1000×1000, 4 %, batch 128);
  /// - dY, which the one pass gathers a row per connection while it also
  ///   scatters into the weight gradient, fits half of L2. On a Zen 4 core
  ///   (1 MB L2) fused/separate time was 0.89 at 1000→1000 (dY 512 KB) but
  ///   1.01–1.6 at 1000→4000 (2 MB), where the separate kernels also let
  ///   the backward carry the gradient through the activation before it.
  ///
  /// ``fusedBackward`` overrides the rule (experiments).
  public static func fusedBackwardPays(outputs: Int, batch: Int) -> Bool {
    switch fusedBackward {
    case .always: return true
    case .never: return false
    case .automatic: return instructionSet == .avx512 && outputs * batch * MemoryLayout<Float>.size <= fusedBackwardLimitBytes
    }
  }

  /// When a layer takes the one-pass backward.
  public enum FusedBackwardPolicy: String, CaseIterable, Sendable {
    /// Where ``SparseKernels/fusedBackwardPays(outputs:batch:)``'s measured
    /// rule says it pays.
    case automatic
    /// Wherever a layer can take it (on one thread, with no activation
    /// before it to carry the gradient through).
    case always
    /// Never: the backward SpMM and the SDDMM.
    case never
  }

  /// Whether layers take the one-pass backward: `automatic`, the measured
  /// rule; `always` and `never` are for benchmarks and experiments, to
  /// measure the rule again (`sprig-bench --fused-backward`). Either
  /// backward gives the same values, up to the order of float sums.
  nonisolated(unsafe) public static var fusedBackward: FusedBackwardPolicy = .automatic

  /// Half of this core's L2 (1 MB assumed where the OS does not say).
  static let fusedBackwardLimitBytes: Int = {
    let l2 = sysconf(Int32(_SC_LEVEL2_CACHE_SIZE))
    return (l2 > 0 ? l2 : 1 << 20) / 2
  }()

  /// Rows per chunk such that a chunk holds roughly `targetWork` multiply-adds.
  static func minimumRows(nonzeros: Int, rows: Int, batch: Int) -> Int {
    let perRow = max(1, nonzeros * max(batch, 1) / max(rows, 1))
    return max(1, 32_768 / perRow)
  }

  /// `Y = W·X + bias` (per row), with `W` given by `pattern` and `values`
  /// and `X` feature-major (`pattern.columns × batch`); `y` is reshaped to
  /// `pattern.rows × batch`.
  ///
  /// When `valuePositions` is given, entry `k` of `pattern` reads
  /// `values[valuePositions[k]]`: this is how the backward runs on Wᵀ's
  /// pattern while sharing W's values. `rectified` applies a ReLU to the
  /// result inside the kernel (`max(y, 0)`, NaN to 0, as ``ReLU``).
  public static func multiply(
    _ pattern: SparsityPattern, values: [Float], valuePositions: [Int32]? = nil, bias: [Float]? = nil,
    _ x: some SparseKernelInput, into y: Matrix, rectified: Bool = false
  ) {
    var epilogue = sprig_epilogue()
    epilogue.rectify = rectified ? 1 : 0
    multiply(pattern, values: values, valuePositions: valuePositions, bias: bias, x, into: y, epilogue: epilogue)
  }

  /// `Y = (W·X) ∘ [mask > 0]` with `rowSums[r] = Σ_b Y[r, b]`: the backward
  /// SpMM of a layer whose input is a ReLU's output `mask`, carrying the
  /// gradient through that ReLU (`mask > 0` exactly where the ReLU's input
  /// was) and summing it into the bias gradient of the layer before, each
  /// row while it is in L1. The same values as ``multiply(_:values:valuePositions:bias:_:into:rectified:)``
  /// followed by the ReLU's backward and ``rowSums(_:into:)``.
  public static func multiply(
    _ pattern: SparsityPattern, values: [Float], valuePositions: [Int32]? = nil, _ x: some SparseKernelInput,
    maskedBy mask: Matrix, into y: Matrix, rowSums: inout [Float]
  ) {
    var noSums: [Float] = []
    multiply(
      pattern, values: values, valuePositions: valuePositions, x, into: y, carrying: .relu, layerInput: mask,
      sums: &noSums, rowSums: &rowSums)
  }

  /// `Y = W·X + bias`, then `epilogue` on each finished row (its pointers
  /// must outlive the call), with `X` in FP32 or bfloat16.
  static func multiply(
    _ pattern: SparsityPattern, values: [Float], valuePositions: [Int32]?, bias: [Float]?,
    _ x: some SparseKernelInput, into y: Matrix, epilogue: sprig_epilogue
  ) {
    precondition(x.rows == pattern.columns, "SpMM: input has \(x.rows) features, pattern has \(pattern.columns) columns")
    precondition(bias == nil || bias!.count == pattern.rows)
    let batch = x.columns
    y.reshape(rows: pattern.rows, columns: batch)
    y.elements.withUnsafeMutableBufferPointer { py in
      let yB = py.baseAddress
      func run(_ spmm: (Range<Int>, _ rp: UnsafePointer<Int32>?, _ ci: UnsafePointer<Int32>?, _ vp: UnsafePointer<Int32>?,
                        _ v: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ e: UnsafePointer<sprig_epilogue>,
                        UnsafePointer<sprig_column_block>?) -> Void) {
        forEachRowBlock(pattern, values: values, valuePositions: valuePositions, bias: bias, epilogue: epilogue, batch: batch) {
          rp, ci, vp, v, b, e, range, block in spmm(range, rp, ci, vp, v, b, e, block)
        }
      }
      switch x {
      case let m as Matrix:
        m.elements.withUnsafeBufferPointer { px in
          let xB = px.baseAddress
          run { range, rp, ci, vp, v, b, e, block in
            sprig_spmm_rows(
              rp, ci, vp, v, b, xB, Int64(batch), yB, Int64(batch), Int64(batch),
              Int64(range.lowerBound), Int64(range.upperBound), e, block)
          }
        }
      case let m as BFloat16Matrix:
        m.withUnsafeBits { px in
          let xB = px.baseAddress
          run { range, rp, ci, vp, v, b, e, block in
            sprig_spmm_bf16_rows(
              rp, ci, vp, v, b, xB, Int64(batch), yB, Int64(batch), Int64(batch),
              Int64(range.lowerBound), Int64(range.upperBound), e, block)
          }
        }
      default:
        preconditionFailure("SpMM: an input of type \(type(of: x))")
      }
    }
  }

  /// The pointers of a forward (or backward) SpMM's weights, bias and
  /// epilogue, for `kernel` on each row chunk and column block.
  static func forEachRowBlock(
    _ pattern: SparsityPattern, values: [Float], valuePositions: [Int32]?, bias: [Float]?, epilogue: sprig_epilogue,
    batch: Int,
    _ kernel: (
      _ rowPointers: UnsafePointer<Int32>?, _ columnIndices: UnsafePointer<Int32>?, _ valuePositions: UnsafePointer<Int32>?,
      _ values: UnsafePointer<Float>?, _ bias: UnsafePointer<Float>?, _ epilogue: UnsafePointer<sprig_epilogue>,
      Range<Int>, UnsafePointer<sprig_column_block>?
    ) -> Void
  ) {
    let minRows = minimumRows(nonzeros: pattern.nonzeroCount, rows: pattern.rows, batch: batch)
    withUnsafePointer(to: epilogue) { e in
      withOptionalBuffer(valuePositions) { vp in
        withOptionalBuffer(bias) { b in
          pattern.rowPointers.withUnsafeBufferPointer { rp in
            pattern.columnIndices.withUnsafeBufferPointer { ci in
              values.withUnsafeBufferPointer { v in
                let (rpB, ciB, vB) = (rp.baseAddress, ci.baseAddress, v.baseAddress)
                ColumnBlocking.forEachBlock(
                  of: pattern, batch: batch, minimumRows: minRows, kernel: valuePositions == nil ? .forward : .backward
                ) { range, block in kernel(rpB, ciB, vp, vB, b, e, range, block) }
              }
            }
          }
        }
      }
    }
  }

  /// Calls `body` with the array's base address, or nil for a nil array,
  /// keeping the pointer inside the array's access scope.
  static func withOptionalBuffer<T, R>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
  }

  /// How the weight-gradient kernels store each connection's gradient `g`.
  public enum GradientStore {
    /// `out[k] = g`: `out` is the gradient.
    case gradient
    /// SGD's momentum update folded into the kernel: `out` is the velocity
    /// and `out[k] = μ·out[k] + λ·weights[k] + g` (see ``MomentumFold``).
    case momentum(MomentumFold, weights: [Float])
  }

  /// Calls `body` with `store` as the C kernels take it.
  static func withStore<R>(_ store: GradientStore, _ body: (UnsafePointer<sprig_gradient_store>) -> R) -> R {
    switch store {
    case .gradient:
      return withUnsafePointer(to: sprig_gradient_store(weights: nil, momentum: 0, decay: 0), body)
    case .momentum(let fold, let weights):
      return weights.withUnsafeBufferPointer { w in
        withUnsafePointer(
          to: sprig_gradient_store(weights: w.baseAddress, momentum: fold.momentum, decay: fold.weightDecay), body)
      }
    }
  }

  /// `gradient[k] = Σ_b dY[i, b] · X[j, b]` for each stored entry `k = (i, j)`
  /// of `pattern`: the weight gradient `dY·Xᵀ` sampled on the pattern
  /// (SDDMM), never forming the dense product; stored as `store` says.
  public static func sampledProduct(
    _ pattern: SparsityPattern, _ dY: Matrix, _ x: Matrix, into gradient: inout [Float], store: GradientStore = .gradient
  ) {
    precondition(dY.rows == pattern.rows && x.rows == pattern.columns && dY.columns == x.columns,
      "SDDMM: shapes \(dY.rows)×\(dY.columns), \(x.rows)×\(x.columns) against a \(pattern.rows)×\(pattern.columns) pattern")
    precondition(gradient.count == pattern.nonzeroCount)
    let batch = x.columns
    dY.elements.withUnsafeBufferPointer { pd in
      x.elements.withUnsafeBufferPointer { px in
        let (dB, xB) = (pd.baseAddress, px.baseAddress)
        forEachRowBlock(pattern, gradient: &gradient, store: store, batch: batch) { rp, ci, g, st, range, block in
          sprig_sddmm_rows(
            rp, ci, dB, Int64(batch), xB, Int64(batch), g, st, Int64(batch),
            Int64(range.lowerBound), Int64(range.upperBound), block)
        }
      }
    }
  }

  /// The pointers of an SDDMM's pattern, gradient and store, for `kernel`
  /// on each row chunk and column block.
  static func forEachRowBlock(
    _ pattern: SparsityPattern, gradient: inout [Float], store: GradientStore, batch: Int,
    _ kernel: (
      _ rowPointers: UnsafePointer<Int32>?, _ columnIndices: UnsafePointer<Int32>?, _ gradient: UnsafeMutablePointer<Float>?,
      _ store: UnsafePointer<sprig_gradient_store>, Range<Int>, UnsafePointer<sprig_column_block>?
    ) -> Void
  ) {
    let minRows = minimumRows(nonzeros: pattern.nonzeroCount, rows: pattern.rows, batch: batch)
    withStore(store) { st in
      pattern.rowPointers.withUnsafeBufferPointer { rp in
        pattern.columnIndices.withUnsafeBufferPointer { ci in
          gradient.withUnsafeMutableBufferPointer { pg in
            let (rpB, ciB, gB) = (rp.baseAddress, ci.baseAddress, pg.baseAddress)
            ColumnBlocking.forEachBlock(of: pattern, batch: batch, minimumRows: minRows, kernel: .sampledProduct) {
              range, block in kernel(rpB, ciB, gB, st, range, block)
            }
          }
        }
      }
    }
  }

  /// The backward of `Y = W·X` in one pass: `dX = Wᵀ·dY` into `dX`
  /// (reshaped to `x`'s shape) and the weight gradient sampled on W's
  /// pattern into `gradient` (in W's CSR order, stored as `store` says),
  /// given Wᵀ's pattern `transposed` whose entry `k` reads
  /// `values[valuePositions[k]]`.
  ///
  /// Each connection's row of `dY` feeds both products, so this streams
  /// half the rows of ``multiply(_:values:valuePositions:bias:_:into:)``
  /// followed by ``sampledProduct(_:_:_:into:store:)``.
  public static func backward(
    transposed: SparsityPattern, values: [Float], valuePositions: [Int32],
    _ dY: Matrix, _ x: Matrix, inputGradient dX: Matrix, weightGradient gradient: inout [Float],
    store: GradientStore = .gradient
  ) {
    precondition(
      x.rows == transposed.rows && dY.rows == transposed.columns && dY.columns == x.columns,
      "backward: shapes \(dY.rows)×\(dY.columns), \(x.rows)×\(x.columns) against a \(transposed.columns)×\(transposed.rows) pattern")
    precondition(gradient.count == transposed.nonzeroCount && valuePositions.count == transposed.nonzeroCount)
    let batch = x.columns
    dX.reshape(rows: x.rows, columns: batch)
    let minRows = minimumRows(nonzeros: 2 * transposed.nonzeroCount, rows: transposed.rows, batch: batch)
    withStore(store) { st in
      transposed.rowPointers.withUnsafeBufferPointer { rp in
        transposed.columnIndices.withUnsafeBufferPointer { ci in
          valuePositions.withUnsafeBufferPointer { vp in
            values.withUnsafeBufferPointer { v in
              dY.elements.withUnsafeBufferPointer { pd in
                x.elements.withUnsafeBufferPointer { px in
                  dX.elements.withUnsafeMutableBufferPointer { pdx in
                    gradient.withUnsafeMutableBufferPointer { pg in
                      let (rpB, ciB, vpB, vB) = (rp.baseAddress, ci.baseAddress, vp.baseAddress, v.baseAddress)
                      let (dB, xB, dxB, gB) = (pd.baseAddress, px.baseAddress, pdx.baseAddress, pg.baseAddress)
                      Parallel.forEachChunk(of: transposed.rows, minimumChunk: minRows) { range in
                        sprig_backward_rows(
                          rpB, ciB, vpB, vB, dB, Int64(batch), xB, Int64(batch), dxB, Int64(batch), gB, st,
                          Int64(batch), Int64(range.lowerBound), Int64(range.upperBound))
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// `sums[i] = Σ_b dY[i, b]`: the bias gradient of feature-major outputs.
  public static func rowSums(_ dY: Matrix, into sums: inout [Float]) {
    precondition(sums.count == dY.rows)
    let batch = dY.columns
    dY.elements.withUnsafeBufferPointer { pd in
      sums.withUnsafeMutableBufferPointer { ps in
        sprig_row_sums(pd.baseAddress, Int64(batch), ps.baseAddress, Int64(batch), 0, Int64(dY.rows))
      }
    }
  }

  /// The sum of rows `rows` of `m`, read with the kernels' full-width loads:
  /// `sprig-bench kernels` times it as the ceiling for how fast a layer's
  /// input streams in (a kernel does one multiply-add per float it reads).
  public static func streamingSum(of m: Matrix, rows: Range<Int>) -> Float {
    precondition(rows.lowerBound >= 0 && rows.upperBound <= m.rows)
    return m.elements.withUnsafeBufferPointer { p in
      sprig_stream_sum(p.baseAddress! + rows.lowerBound * m.columns, Int64(rows.count * m.columns))
    }
  }
}
