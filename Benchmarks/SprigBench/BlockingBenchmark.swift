// `sprig-bench blocking`: the column-blocked kernels of a wide sparse layer
// (a 100k-wide SET-MLP's hidden layers) against the same kernels unblocked,
// timed in turn in one run, after checking both against a reference.
import ArgumentParser
import Foundation
import Sprig

struct BlockingBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "blocking",
    abstract: "Time a wide sparse layer's kernels with W's columns in cache-sized blocks against unblocked.")

  @Option(help: "Inputs and outputs of the layer.") var width: Int = 100_000
  @Option(help: "Erdős–Rényi ε (connections ≈ ε·(inputs + outputs)).") var epsilon: Double = 20
  @Option(help: "Thread counts, comma-separated.") var threads: String = "1,2"
  @Option(help: "Batch size.") var batch: Int = 128
  @Option(help: "Timed samples of each variant (taken in turn).") var samples: Int = 7
  @Option(help: "Write the records as a JSON array to this path.") var json: String?
  @OptionGroup var experiment: ExperimentOptions

  func run() throws {
    let threadList = threads.split(separator: ",").compactMap { Int($0) }
    guard !threadList.isEmpty, width > 0, batch > 0 else { throw ValidationError("need a width, a batch and thread counts") }
    experiment.apply()
    let blockBytes = ColumnBlocking.blockBytes
    guard ColumnBlocking.isWide(columns: width, batch: batch) else {
      throw ValidationError("a \(width)-wide layer's operand fits one block of \(blockBytes >> 20) MB: nothing to compare")
    }
    let keepMode = ColumnBlocking.mode
    defer { ColumnBlocking.mode = keepMode }
    print("sprig-bench blocking — \(Machine.header), batch \(batch), blocks of \(blockBytes >> 20) MB\(experiment.summary)")
    let density = ErdosRenyiTopology.density(epsilon: epsilon, inputSize: width, outputSize: width)
    var rng = SeededGenerator(seed: 1)
    let pattern = ErdosRenyiTopology.pattern(inputSize: width, outputSize: width, density: density, using: &rng)
    let values = (0..<pattern.nonzeroCount).map { _ in rng.nextNormal() * 0.1 }
    let (tPattern, tSource) = pattern.transposed()
    let x = KernelBenchmark.random(rows: width, columns: batch, seed: 2)
    let dY = KernelBenchmark.random(rows: width, columns: batch, seed: 3)
    let blocks = ColumnBlocking.blockEnds(columns: width, batch: batch).count
    print("\(pattern.nonzeroCount) connections, operand \((width * batch * 4) >> 20) MB in \(blocks) blocks")

    let y = Matrix(rows: 0, columns: 0), dX = Matrix(rows: 0, columns: 0)
    var velocity = [Float](repeating: 0, count: pattern.nonzeroCount)
    let fold = SparseKernels.GradientStore.momentum(MomentumFold(momentum: 0.9, weightDecay: 2e-4), weights: values)
    let ops: [(String, () -> Void)] = [
      ("forward", { SparseKernels.multiply(pattern, values: values, x, into: y, rectified: true) }),
      ("backward", { SparseKernels.multiply(tPattern, values: values, valuePositions: tSource, dY, into: dX) }),
      ("sddmm+sgd", { SparseKernels.sampledProduct(pattern, dY, x, into: &velocity, store: fold) }),
    ]
    try validate(pattern, values, tPattern, tSource, x, dY)

    func run(_ mode: ColumnBlocking.Mode, _ body: () -> Void) {
      ColumnBlocking.mode = mode
      body()
    }
    print("op             threads  blocked ms  unblocked ms  GFLOP/s blocked  speed-up")
    var records: [KernelRecord] = []
    let flops = 2 * Double(pattern.nonzeroCount) * Double(batch)
    for t in threadList {
      Parallel.threadCount = t
      for (op, body) in ops {
        let (blockedSeconds, unblockedSeconds) = Timing.interleavedMedians(samples: samples, { run(.always, body) }) { run(.never, body) }
        for (engine, seconds) in [("sprig", blockedSeconds), ("sprig-unblocked", unblockedSeconds)] {
          records.append(KernelRecord(
            op: op, engine: engine, n_in: width, n_out: width, density: density, batch: batch, threads: t,
            seconds: seconds, gflops: flops / seconds / 1e9, speedup_vs_dense: nil))
        }
        print(
          op.padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(format: " %7d %11.1f %13.1f %16.1f %8.2fx", t, blockedSeconds * 1e3, unblockedSeconds * 1e3,
                     flops / blockedSeconds / 1e9, unblockedSeconds / blockedSeconds))
      }
    }
    if let json {
      try writeRecordJSON(records, to: URL(fileURLWithPath: json))
    }
  }

  /// Both forms of each kernel against a sum over each sampled row's
  /// connections in Double (the layer is too wide for a dense reference),
  /// and against each other, bit for bit.
  func validate(
    _ pattern: SparsityPattern, _ values: [Float], _ tPattern: SparsityPattern, _ tSource: [Int32], _ x: Matrix,
    _ dY: Matrix
  ) throws {
    let rows = Array(stride(from: 0, to: pattern.rows, by: max(1, pattern.rows / 200)))
    func reference(_ p: SparsityPattern, _ value: (Int) -> Float, _ input: Matrix, row r: Int) -> [Float] {
      var s = [Double](repeating: 0, count: batch)
      for k in Int(p.rowPointers[r])..<Int(p.rowPointers[r + 1]) {
        let j = Int(p.columnIndices[k])
        for b in 0..<batch { s[b] += Double(value(k)) * Double(input[j, b]) }
      }
      return s.map { Float($0) }
    }
    var results: [([Float], [Float], [Float])] = []
    for mode in [ColumnBlocking.Mode.always, .never] {
      ColumnBlocking.mode = mode
      let form = mode == .always ? "blocked" : "unblocked"
      let y = Matrix(rows: 0, columns: 0), dX = Matrix(rows: 0, columns: 0)
      SparseKernels.multiply(pattern, values: values, x, into: y)
      SparseKernels.multiply(tPattern, values: values, valuePositions: tSource, dY, into: dX)
      var g = [Float](repeating: 0, count: pattern.nonzeroCount)
      SparseKernels.sampledProduct(pattern, dY, x, into: &g)
      for r in rows {
        try KernelBenchmark.check(
          "\(form) forward", (0..<batch).map { y[r, $0] }, reference(pattern, { values[$0] }, x, row: r))
        try KernelBenchmark.check(
          "\(form) backward", (0..<batch).map { dX[r, $0] },
          reference(tPattern, { values[Int(tSource[$0])] }, dY, row: r))
        let ks = Int(pattern.rowPointers[r])..<Int(pattern.rowPointers[r + 1])
        let expected: [Float] = ks.map { k in
          let j = Int(pattern.columnIndices[k])
          return Float((0..<batch).reduce(0.0) { $0 + Double(dY[r, $1]) * Double(x[j, $1]) })
        }
        try KernelBenchmark.check("\(form) sddmm", ks.map { g[$0] }, expected)
      }
      results.append((y.elements.map { $0 }, dX.elements.map { $0 }, g))
    }
    guard results[0] == results[1] else {
      throw ValidationError("the blocked kernels' results differ from the unblocked ones'")
    }
  }
}
