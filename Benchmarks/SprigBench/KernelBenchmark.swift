// `sprig-bench kernels`: forward, backward and SDDMM of a sparse layer against
// dense sgemm on the same shape and against the GraphBLAS backend, plus the
// SET rewire step — every kernel validated against a dense reference first;
// the forward, backward and SDDMM also with bfloat16 activations, each
// timed in turn with its FP32 form.
import ArgumentParser
import Foundation
import Sprig

struct KernelRecord: Codable {
  var op: String
  var engine: String
  var n_in: Int
  var n_out: Int
  var density: Double
  var batch: Int
  var threads: Int
  var seconds: Double
  var gflops: Double
  var speedup_vs_dense: Double?
  var bytes_per_connection: Double?
  var ns_per_connection: Double?
  /// The activations' and gradients' storage: "fp32", or "bf16" for the
  /// bfloat16 kernels (FP32 weights and sums).
  var precision = "fp32"
  /// For a bf16 record, the FP32 kernel's time over this one, the two
  /// timed in turn in the same run.
  var speedup_vs_fp32: Double?
}

struct KernelBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels", abstract: "Time the sparse layer kernels against sgemm and GraphBLAS.")

  @Option(help: "Shapes n_in×n_out, comma-separated.")
  var shapes: String = "784x1000,1000x1000,3072x4000,4000x1000,784x100000"
  @Option(help: "Densities in percent, comma-separated.") var densities: String = "1,2,4,10,25,50"
  @Option(help: "Thread counts, comma-separated.") var threads: String = "1,2"
  @Option(help: "Batch size.") var batch: Int = 128
  @Flag(help: "Skip the GraphBLAS backend.") var noGraphblas = false
  @Option(help: "Write the records as a JSON array to this path.") var json: String?
  @OptionGroup var experiment: ExperimentOptions

  func parse<T>(_ s: String, _ f: (Substring) -> T?) throws -> [T] {
    let v = s.split(separator: ",").map(f)
    guard v.allSatisfy({ $0 != nil }) else { throw ValidationError("cannot parse \"\(s)\"") }
    return v.map { $0! }
  }

  func run() throws {
    let shapeList: [(Int, Int)] = try parse(shapes) { part in
      let xy = part.split(separator: "x").compactMap { Int($0) }
      return xy.count == 2 ? (xy[0], xy[1]) : nil
    }
    let densityList: [Double] = try parse(densities) { Double($0).map { $0 / 100 } }
    let threadList: [Int] = try parse(threads) { Int($0) }
    experiment.apply()
    print(
      "sprig-bench kernels — \(Machine.header), batch \(batch), bf16 "
        + "\(SparseKernels.usesBFloat16DotProducts ? "on vdpbf16ps" : "widened to FP32")\(experiment.summary)")
    Machine.warnAboutSetup()
    print("op             engine     shape          density thr   ms/op   GFLOP/s  vs dense  bytes/conn")
    var records: [KernelRecord] = []
    for (nIn, nOut) in shapeList {
      for density in densityList {
        var rng = SeededGenerator(seed: 1)
        let pattern = ErdosRenyiTopology.pattern(inputSize: nIn, outputSize: nOut, density: density, using: &rng)
        let w = try CSRMatrix(pattern: pattern, values: (0..<pattern.nonzeroCount).map { _ in rng.nextNormal() * 0.1 })
        let x = Self.random(rows: nIn, columns: batch, seed: 2)
        let dY = Self.random(rows: nOut, columns: batch, seed: 3)
        let dense = w.dense()
        let (tPattern, tSource) = pattern.transposed()
        let y = Matrix(rows: 0, columns: 0), dX = Matrix(rows: 0, columns: 0)
        var gradient = [Float](repeating: 0, count: pattern.nonzeroCount)
        try Self.validate(w: w, dense: dense, x: x, dY: dY, tPattern: tPattern, tSource: tSource)
        let xBF16 = BFloat16Matrix(rounding: x), dYBF16 = BFloat16Matrix(rounding: dY)
        try Self.validateBFloat16(w: w, x: xBF16, dY: dYBF16, tPattern: tPattern, tSource: tSource)
        let flops = 2 * Double(pattern.nonzeroCount) * Double(batch)
        let denseFlops = 2 * Double(nIn) * Double(nOut) * Double(batch)
        // What a layer under SGD with momentum holds while training (the
        // velocity, no gradient): see SparseLinear.bytesPerConnection.
        var layerRNG = SeededGenerator(seed: 4)
        let layer = SparseLinear(pattern: pattern, using: &layerRNG)
        let sgd = SGD(learningRate: 0.01, momentum: 0.9, weightDecay: 2e-4)
        sgd.foldMomentum(into: layer.parameters)
        let bytes = layer.bytesPerConnection
        var velocity = [Float](repeating: 0, count: pattern.nonzeroCount)
        let fold = SparseKernels.GradientStore.momentum(MomentumFold(momentum: 0.9, weightDecay: 2e-4), weights: w.values)
        for t in threadList {
          Parallel.threadCount = t
          let yDense = Matrix(rows: nOut, columns: batch)
          let denseForward = Timing.median { BLAS.gemm(dense, x, into: yDense) }
          // The fused backward does the work of backward and SDDMM in one pass.
          let ops: [(String, Double, () -> Void)] = [
            ("forward", flops, { SparseKernels.multiply(pattern, values: w.values, x, into: y) }),
            ("backward", flops, { SparseKernels.multiply(tPattern, values: w.values, valuePositions: tSource, dY, into: dX) }),
            ("sddmm", flops, { SparseKernels.sampledProduct(pattern, dY, x, into: &gradient) }),
            // As training runs it: the SGD momentum update folded into the SDDMM.
            ("sddmm+sgd", flops, { SparseKernels.sampledProduct(pattern, dY, x, into: &velocity, store: fold) }),
            ("fused-backward", 2 * flops, {
              SparseKernels.backward(
                transposed: tPattern, values: w.values, valuePositions: tSource, dY, x, inputGradient: dX,
                weightGradient: &gradient)
            }),
          ]
          func add(
            _ op: String, _ engine: String, _ seconds: Double, _ work: Double, bytes: Double? = nil,
            bf16SpeedupOver fp32Seconds: Double? = nil
          ) {
            var r = KernelRecord(
              op: op, engine: engine, n_in: nIn, n_out: nOut, density: density, batch: batch, threads: t,
              seconds: seconds, gflops: work / seconds / 1e9, speedup_vs_dense: denseForward / seconds,
              bytes_per_connection: bytes)
            if let fp32Seconds {
              r.precision = "bf16"
              r.speedup_vs_fp32 = fp32Seconds / seconds
            }
            records.append(r)
            print(
              "\((r.precision == "bf16" ? op + " bf16" : op).padding(toLength: 14, withPad: " ", startingAt: 0)) "
                + "\(engine.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                + "\("\(nIn)→\(nOut)".padding(toLength: 14, withPad: " ", startingAt: 0))"
                + String(format: " %6.1f%% %3d %8.3f %8.1f %8.2fx", density * 100, t, seconds * 1e3, r.gflops, r.speedup_vs_dense!)
                + (bytes.map { String(format: " %9.1f", $0) } ?? "")
                + (r.speedup_vs_fp32.map { String(format: "  %.2fx fp32", $0) } ?? ""))
          }
          add("forward", "dense", denseForward, denseFlops)
          // The whole input streamed in order by every thread, as each
          // thread of a kernel gathers rows from all of it: every kernel does
          // one multiply-add (2 flops) per float it reads, so this bounds them
          // at this size. Sixteen passes a call outlast the threads' wake-up.
          let stream = Timing.median {
            Parallel.forEachChunk(of: t) { _ in
              for _ in 0..<16 { _ = SparseKernels.streamingSum(of: x, rows: 0..<x.rows) }
            }
          } / 16  // seconds per pass
          let inputBytes = Double(x.rows * x.columns * 4), streamed = inputBytes * Double(t)
          records.append(KernelRecord(
            op: "read-ceiling", engine: "memory", n_in: nIn, n_out: nOut, density: density, batch: batch, threads: t,
            seconds: stream, gflops: streamed / 2 / stream / 1e9))
          print(
            "read-ceiling   memory     \("\(nIn)→\(nOut)".padding(toLength: 14, withPad: " ", startingAt: 0))"
              + String(format: " %6.1f%% %3d %8.3f %8.1f  (%.0f GB/s from %.0f KB)", density * 100, t, stream * 1e3,
                       records.last!.gflops, streamed / stream / 1e9, inputBytes / 1024))
          // The bf16 kernels read X and dY rounded once (as a layer keeps its
          // input), into the same outputs.
          let bf16Ops: [String: () -> Void] = [
            "forward": { SparseKernels.multiply(pattern, values: w.values, xBF16, into: y) },
            "backward": {
              SparseKernels.multiply(tPattern, values: w.values, valuePositions: tSource, dYBF16, into: dX)
            },
            "sddmm": { SparseKernels.sampledProduct(pattern, dYBF16, xBF16, into: &gradient) },
            "sddmm+sgd": { SparseKernels.sampledProduct(pattern, dYBF16, xBF16, into: &velocity, store: fold) },
          ]
          for (op, work, body) in ops {
            if let bf16 = bf16Ops[op] {
              let (fp32Seconds, bf16Seconds) = Timing.interleavedMedians(body, bf16)
              add(op, "sprig", fp32Seconds, work, bytes: bytes)
              add(op, "sprig", bf16Seconds, work, bytes: bytes, bf16SpeedupOver: fp32Seconds)
            } else {
              add(op, "sprig", Timing.median(body), work, bytes: bytes)
            }
          }
          // The backward through a ReLU before the layer, with the bias sums
          // of the layer before it: in the SpMM's rows (as Sequential runs a
          // sparse-ReLU-sparse stack) against the three passes it replaces,
          // timed in turn.
          let reluOutput = x.copy()
          ElementwiseKernels.reluInPlace(reluOutput)
          let masked = Matrix(rows: nIn, columns: batch)
          var sums = [Float](repeating: 0, count: nIn)
          let (fusedSeconds, unfusedSeconds) = Timing.interleavedMedians({
            SparseKernels.multiply(
              tPattern, values: w.values, valuePositions: tSource, dY, maskedBy: reluOutput, into: dX, rowSums: &sums)
          }) {
            SparseKernels.multiply(tPattern, values: w.values, valuePositions: tSource, dY, into: dX)
            ElementwiseKernels.reluBackward(reluOutput, dX, into: masked)
            SparseKernels.rowSums(masked, into: &sums)
          }
          add("backward+relu", "sprig", fusedSeconds, flops, bytes: bytes)
          add("backward+relu", "sprig-unfused", unfusedSeconds, flops, bytes: bytes)
          // The SET paper's activations: SReLU then dropout after the layer
          // (forward), and the backward through the pair before it with the
          // bias sums, in the SpMM's rows against the separate passes.
          let srelu = Self.sreluShape(units: nOut), sreluBefore = Self.sreluShape(units: nIn)
          let mask = DropoutMask(seed: 7, keep: 0.7), maskBefore = DropoutMask(seed: 8, keep: 0.7)
          ElementwiseKernels.dropout(x, into: masked, mask: maskBefore)  // the decisions the backward reads
          let activated = Matrix(rows: 0, columns: 0)
          let passes = (Matrix(rows: nOut, columns: batch), Matrix(rows: nOut, columns: batch))
          let (fusedForward, unfusedForward) = Timing.interleavedMedians({
            SparseKernels.multiply(
              pattern, values: w.values, bias: nil, x, into: y, activating: activated, srelu: srelu, dropout: mask)
          }) {
            SparseKernels.multiply(pattern, values: w.values, x, into: y)
            ElementwiseKernels.sreluForward(
              y, into: passes.0, leftThreshold: srelu.leftThreshold, leftSlope: srelu.leftSlope,
              rightThreshold: srelu.rightThreshold, rightSlope: srelu.rightSlope)
            ElementwiseKernels.dropout(passes.0, into: passes.1, mask: mask)
          }
          add("forward+srelu", "sprig", fusedForward, flops, bytes: bytes)
          add("forward+srelu", "sprig-unfused", unfusedForward, flops, bytes: bytes)
          var sreluSums: [Float] = []
          let (fusedBackward, unfusedBackward) = Timing.interleavedMedians({
            SparseKernels.multiply(
              tPattern, values: w.values, valuePositions: tSource, dY, into: dX, throughDropout: maskBefore,
              srelu: sreluBefore, input: x, sums: &sreluSums, rowSums: &sums)
          }) {
            SparseKernels.multiply(tPattern, values: w.values, valuePositions: tSource, dY, into: dX)
            ElementwiseKernels.dropoutBackward(dX, into: masked, mask: maskBefore)
            let dZ = reluOutput  // scratch of the input's shape
            ElementwiseKernels.sreluBackward(
              x: x, dY: masked, into: dZ, leftThreshold: sreluBefore.leftThreshold, leftSlope: sreluBefore.leftSlope,
              rightThreshold: sreluBefore.rightThreshold, rightSlope: sreluBefore.rightSlope, sums: &sreluSums)
            SparseKernels.rowSums(dZ, into: &sums)
          }
          add("backward+srelu", "sprig", fusedBackward, flops, bytes: bytes)
          add("backward+srelu", "sprig-unfused", unfusedBackward, flops, bytes: bytes)
          if nOut <= NarrowDenseKernels.maximumOutputs && density == densityList[0] {
            try timeNarrowDense(dense: dense, x: x, dY: dY, threads: t) { records.append($0) }
          }
          if !noGraphblas {
            // GraphBLAS as a layer would use it: CSR import of W, full activations in and out.
            let gy = Matrix(rows: 0, columns: 0)
            add("forward", "graphblas", Timing.median(samples: 3) { try! GraphBLASKernels.multiply(pattern, values: w.values, bias: nil, x, into: gy) }, flops)
            add("backward", "graphblas", Timing.median(samples: 3) { try! GraphBLASKernels.multiply(pattern, values: w.values, bias: nil, dY, into: gy, transposed: true) }, flops)
            add("sddmm", "graphblas", Timing.median(samples: 3) { try! GraphBLASKernels.sampledProduct(pattern, dY, x, into: &gradient) }, flops)
          }
        }
        // The rewire step (single-threaded), in ns per connection of the layer.
        let copies = (0..<3).map { _ in
          try! SparseLinear(pattern: pattern, weights: w.values, bias: [Float](repeating: 0, count: nOut))
        }
        var evolutionRNG = SeededGenerator(seed: 5)
        var times: [Double] = []
        for c in copies {
          let t0 = Date()
          _ = SETEvolution(zeta: 0.3).rewire(c, using: &evolutionRNG)
          times.append(Date().timeIntervalSince(t0))
        }
        let rewire = times.sorted()[1]
        var r = KernelRecord(
          op: "rewire", engine: "sprig", n_in: nIn, n_out: nOut, density: density, batch: batch, threads: 1,
          seconds: rewire, gflops: 0, bytes_per_connection: bytes)
        r.ns_per_connection = rewire / Double(max(pattern.nonzeroCount, 1)) * 1e9
        records.append(r)
        print(String(format: "rewire         sprig      %@ %6.1f%%   1 %8.3f   %.1f ns/connection", "\(nIn)→\(nOut)".padding(toLength: 14, withPad: " ", startingAt: 0), density * 100, rewire * 1e3, r.ns_per_connection!))
      }
    }
    if let json {
      try writeRecordJSON(records, to: URL(fileURLWithPath: json))
    }
  }

  /// A dense layer with few outputs (a classifier) on Sprig's narrow
  /// kernels against sgemm, each product in turn with its sgemm form,
  /// after checking them against it: what Linear chooses between.
  func timeNarrowDense(dense: Matrix, x: Matrix, dY: Matrix, threads t: Int, record: (KernelRecord) -> Void) throws {
    let (m, k) = (dense.rows, dense.columns)
    let w = Array(dense.elements)
    let y = Matrix(rows: 0, columns: 0), yRef = Matrix(rows: m, columns: batch)
    let dX = Matrix(rows: 0, columns: 0), dXRef = Matrix(rows: k, columns: batch)
    var dW = [Float](repeating: 0, count: m * k), dWRef = dW
    let products: [(String, () -> Void, () -> Void)] = [
      ("forward", { NarrowDenseKernels.forward(weights: w, outputs: m, bias: nil, x, into: y) },
       { BLAS.gemm(dense, x, into: yRef) }),
      ("backward", { NarrowDenseKernels.inputGradient(weights: w, inputs: k, dY, into: dX) },
       { BLAS.gemm(dense, transposeA: true, dY, into: dXRef) }),
      ("weight-gradient", { NarrowDenseKernels.weightGradient(dY, x, into: &dW) },
       { BLAS.gemm(m: m, n: k, k: batch, dY.elements, x.elements, transposeB: true, into: &dWRef) }),
    ]
    for (_, narrow, sgemm) in products {
      narrow()
      sgemm()
    }
    try Self.check("narrow forward", y.elements, yRef.elements)
    try Self.check("narrow backward", dX.elements, dXRef.elements)
    try Self.check("narrow weight-gradient", dW, dWRef)
    let flops = 2 * Double(m * k * batch)
    for (op, narrow, sgemm) in products {
      let (ours, theirs) = Timing.interleavedMedians(narrow, sgemm)
      for (engine, seconds) in [("narrow", ours), ("dense", theirs)] {
        record(KernelRecord(
          op: "dense-\(op)", engine: engine, n_in: k, n_out: m, density: 1, batch: batch, threads: t, seconds: seconds,
          gflops: flops / seconds / 1e9, speedup_vs_dense: theirs / seconds))
        print(
          "\("dense-\(op)".padding(toLength: 14, withPad: " ", startingAt: 0)) \(engine.padding(toLength: 10, withPad: " ", startingAt: 0)) "
            + "\("\(k)→\(m)".padding(toLength: 14, withPad: " ", startingAt: 0))"
            + String(format: " %6.1f%% %3d %8.3f %8.1f %8.2fx", 100.0, t, seconds * 1e3, flops / seconds / 1e9, theirs / seconds))
      }
    }
  }

  /// An SReLU as SReLU(size:) starts, for timing its fused kernels.
  static func sreluShape(units: Int) -> SReLUShape {
    SReLUShape(
      leftThreshold: [Float](repeating: 0, count: units), leftSlope: [Float](repeating: 0.01, count: units),
      rightThreshold: [Float](repeating: 0.5, count: units), rightSlope: [Float](repeating: 1, count: units))
  }

  static func random(rows: Int, columns: Int, seed: UInt64) -> Matrix {
    var g = SeededGenerator(seed: seed)
    let m = Matrix(rows: rows, columns: columns)
    for i in m.elements.indices { m.elements[i] = 2 * g.nextUnitFloat() - 1 }
    return m
  }

  /// Checks every Sprig kernel against sgemm on the dense weights before timing.
  static func validate(w: CSRMatrix, dense: Matrix, x: Matrix, dY: Matrix, tPattern: SparsityPattern, tSource: [Int32]) throws {
    let y = Matrix(rows: 0, columns: 0), ref = Matrix(rows: w.rows, columns: x.columns)
    SparseKernels.multiply(w.pattern, values: w.values, x, into: y)
    BLAS.gemm(dense, x, into: ref)
    try check("forward", y.elements, ref.elements)
    let dX = Matrix(rows: 0, columns: 0), refX = Matrix(rows: w.columns, columns: x.columns)
    SparseKernels.multiply(tPattern, values: w.values, valuePositions: tSource, dY, into: dX)
    BLAS.gemm(dense, transposeA: true, dY, into: refX)
    try check("backward", dX.elements, refX.elements)
    var g = [Float](repeating: 0, count: w.nonzeroCount)
    SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
    // The dense gradient would be n_out × n_in: check a sample of entries directly.
    let sample = Array(stride(from: 0, to: w.nonzeroCount, by: max(1, w.nonzeroCount / 2000)))
    let expected: [Float] = sample.map { k in
      let i = w.pattern.rowPointers.lastIndex { Int($0) <= k }!
      let j = Int(w.pattern.columnIndices[k])
      var s: Float = 0
      for b in 0..<x.columns { s += dY[i, b] * x[j, b] }
      return s
    }
    try check("sddmm", sample.map { g[$0] }, expected)
    let fold = MomentumFold(momentum: 0.9, weightDecay: 2e-4)
    var velocity = (0..<w.nonzeroCount).map { Float($0 % 7) * 0.01 }
    let folded = sample.enumerated().map { n, k in fold.momentum * velocity[k] + fold.weightDecay * w.values[k] + expected[n] }
    SparseKernels.sampledProduct(w.pattern, dY, x, into: &velocity, store: .momentum(fold, weights: w.values))
    try check("sddmm+sgd", sample.map { velocity[$0] }, folded)
    var fused = [Float](repeating: .nan, count: w.nonzeroCount)
    let fusedX = Matrix(rows: 0, columns: 0)
    SparseKernels.backward(
      transposed: tPattern, values: w.values, valuePositions: tSource, dY, x, inputGradient: fusedX, weightGradient: &fused)
    try check("fused-backward (dX)", fusedX.elements, refX.elements)
    try check("fused-backward (dW)", sample.map { fused[$0] }, expected)
    // The backward through a ReLU whose output is x's positive part: the
    // dense reference masked, and its row sums.
    let reluOutput = x.copy()
    ElementwiseKernels.reluInPlace(reluOutput)
    let maskedRef = refX.copy()
    for k in maskedRef.elements.indices where !(reluOutput.elements[k] > 0) { maskedRef.elements[k] = 0 }
    let sumsRef = (0..<maskedRef.rows).map { r in (0..<maskedRef.columns).reduce(Float(0)) { $0 + maskedRef[r, $1] } }
    var sums = [Float](repeating: .nan, count: w.columns)
    SparseKernels.multiply(tPattern, values: w.values, valuePositions: tSource, dY, maskedBy: reluOutput, into: dX, rowSums: &sums)
    try check("backward+relu (dX)", dX.elements, maskedRef.elements)
    try check("backward+relu (row sums)", sums, sumsRef)
    // Through SReLU and dropout: the dense references run through the
    // separate elementwise passes.
    let mask = DropoutMask(seed: 7, keep: 0.7), maskBefore = DropoutMask(seed: 8, keep: 0.7)
    let srelu = sreluShape(units: w.rows), sreluBefore = sreluShape(units: w.columns)
    let activatedRef = Matrix(rows: w.rows, columns: x.columns), droppedRef = Matrix(rows: w.rows, columns: x.columns)
    ElementwiseKernels.sreluForward(
      ref, into: activatedRef, leftThreshold: srelu.leftThreshold, leftSlope: srelu.leftSlope,
      rightThreshold: srelu.rightThreshold, rightSlope: srelu.rightSlope)
    ElementwiseKernels.dropout(activatedRef, into: droppedRef, mask: mask)
    let activated = Matrix(rows: 0, columns: 0)
    SparseKernels.multiply(w.pattern, values: w.values, bias: nil, x, into: y, activating: activated, srelu: srelu, dropout: mask)
    try check("forward+srelu", activated.elements, droppedRef.elements)
    let droppedX = Matrix(rows: w.columns, columns: x.columns), sreluRef = Matrix(rows: w.columns, columns: x.columns)
    ElementwiseKernels.dropout(x, into: droppedX, mask: maskBefore)  // draws the decisions
    ElementwiseKernels.dropoutBackward(refX, into: droppedX, mask: maskBefore)
    var sreluSumsRef: [Float] = [], sreluSums: [Float] = []
    ElementwiseKernels.sreluBackward(
      x: x, dY: droppedX, into: sreluRef, leftThreshold: sreluBefore.leftThreshold, leftSlope: sreluBefore.leftSlope,
      rightThreshold: sreluBefore.rightThreshold, rightSlope: sreluBefore.rightSlope, sums: &sreluSumsRef)
    let rowSumsRef = (0..<sreluRef.rows).map { r in (0..<sreluRef.columns).reduce(Float(0)) { $0 + sreluRef[r, $1] } }
    SparseKernels.multiply(
      tPattern, values: w.values, valuePositions: tSource, dY, into: dX, throughDropout: maskBefore,
      srelu: sreluBefore, input: x, sums: &sreluSums, rowSums: &sums)
    try check("backward+srelu (dX)", dX.elements, sreluRef.elements)
    try check("backward+srelu (SReLU sums)", sreluSums, sreluSumsRef)
    try check("backward+srelu (row sums)", sums, rowSumsRef)
  }

  /// Checks the bf16 kernels against the FP32 ones on the same rounded values.
  static func validateBFloat16(
    w: CSRMatrix, x: BFloat16Matrix, dY: BFloat16Matrix, tPattern: SparsityPattern, tSource: [Int32]
  ) throws {
    let (xWide, dYWide) = (x.widened(), dY.widened())
    let (y, ref) = (Matrix(rows: 0, columns: 0), Matrix(rows: 0, columns: 0))
    SparseKernels.multiply(w.pattern, values: w.values, x, into: y)
    SparseKernels.multiply(w.pattern, values: w.values, xWide, into: ref)
    try check("forward bf16", y.elements, ref.elements)
    SparseKernels.multiply(tPattern, values: w.values, valuePositions: tSource, dY, into: y)
    SparseKernels.multiply(tPattern, values: w.values, valuePositions: tSource, dYWide, into: ref)
    try check("backward bf16", y.elements, ref.elements)
    var (g, gRef) = ([Float](repeating: .nan, count: w.nonzeroCount), [Float](repeating: .nan, count: w.nonzeroCount))
    SparseKernels.sampledProduct(w.pattern, dY, x, into: &g)
    SparseKernels.sampledProduct(w.pattern, dYWide, xWide, into: &gRef)
    try check("sddmm bf16", g, gRef)
  }

  static func check(_ op: String, _ a: some Collection<Float>, _ b: some Collection<Float>) throws {
    guard a.count == b.count else { throw ValidationError("\(op) kernel wrote \(a.count) values, the reference \(b.count)") }
    var worst: Float = 0
    for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
    guard worst < 1e-3 else { throw ValidationError("\(op) kernel differs from the dense reference by \(worst)") }
  }
}
