// ExperimentOptions: the library's experiment knobs as sprig-bench flags,
// one set shared by every subcommand, so that a choice the kernels make
// themselves can be measured again against its alternatives.
import ArgumentParser
import Sprig

extension ColumnBlocking.Mode: ExpressibleByArgument {}
extension SparseKernels.FusedBackwardPolicy: ExpressibleByArgument {}

struct ExperimentOptions: ParsableArguments {
  @Option(help: "Experiment: wide layers' column blocking (default adaptive; `blocking` times always against never itself).")
  var columnBlocking: ColumnBlocking.Mode?
  @Option(help: "Experiment: the operand size in MB above which a layer is wide, and a block's size (default 8; 0: no layer is wide).")
  var blockMb: Int?
  @Option(help: "Experiment: when layers take the one-pass backward (default automatic).")
  var fusedBackward: SparseKernels.FusedBackwardPolicy?
  @Flag(help: "Experiment: do not advise large buffers onto 2 MB pages.") var noHugePages = false
  @Flag(help: "Experiment: the bf16 kernels widen to FP32 instead of using AVX-512 BF16's vdpbf16ps.")
  var noBf16DotProducts = false
  @Option(help: "Experiment: connections ahead whose rows the kernels prefetch (default 4).") var prefetchDistance: Int?
  @Option(help: "Experiment: the SDDMM's register-held slices of dY, 0|1 (default 1).") var sddmmSlices: Int?
  @Option(help: "Experiment: the forward's four-connection sums, 0|1 (default: on for AVX2 and portable, off for AVX-512).")
  var spmmQuads: Int?
  @Option(help: "Experiment: microseconds an idle worker spins before it sleeps (default 200).") var spinMicroseconds: Int?

  func validate() throws {
    for (name, value) in [("--block-mb", blockMb), ("--prefetch-distance", prefetchDistance), ("--spin-microseconds", spinMicroseconds)] {
      if let value, value < 0 { throw ValidationError("\(name) must be 0 or more") }
    }
    for (name, value) in [("--sddmm-slices", sddmmSlices), ("--spmm-quads", spmmQuads)] {
      if let value, value != 0 && value != 1 { throw ValidationError("\(name) takes 0 or 1") }
    }
  }

  /// Sets the knobs given; the others keep the library's defaults.
  func apply() {
    if let columnBlocking { ColumnBlocking.mode = columnBlocking }
    if let blockMb { ColumnBlocking.blockBytes = blockMb << 20 }
    if let fusedBackward { SparseKernels.fusedBackward = fusedBackward }
    if noHugePages { HugePages.enabled = false }
    if noBf16DotProducts { SparseKernels.usesBFloat16DotProducts = false }
    SparseKernels.tuning = SparseKernels.Tuning(
      prefetchDistance: prefetchDistance, sddmmSlices: sddmmSlices.map { $0 != 0 }, spmmQuads: spmmQuads.map { $0 != 0 })
    if let spinMicroseconds { Parallel.spinMicroseconds = spinMicroseconds }
  }

  /// The knobs given, as flags, for a header line: ", experiment --spmm-quads 1"
  /// (empty when none is), so that a run's figures say what they measured.
  var summary: String {
    let given: [(String, String?)] = [
      ("--column-blocking", columnBlocking?.rawValue), ("--block-mb", blockMb.map(String.init)),
      ("--fused-backward", fusedBackward?.rawValue), ("--no-huge-pages", noHugePages ? "" : nil),
      ("--no-bf16-dot-products", noBf16DotProducts ? "" : nil),
      ("--prefetch-distance", prefetchDistance.map(String.init)), ("--sddmm-slices", sddmmSlices.map(String.init)),
      ("--spmm-quads", spmmQuads.map(String.init)), ("--spin-microseconds", spinMicroseconds.map(String.init)),
    ]
    let flags = given.compactMap { flag, value in value.map { $0.isEmpty ? flag : "\(flag) \($0)" } }
    return flags.isEmpty ? "" : ", experiment " + flags.joined(separator: " ")
  }
}
