// ConvolutionBenchmark: Conv2D forward + backward throughput next to the machine's sgemm, measured in the same run.
import Sprig

/// Measures Conv2D throughput against plain sgemm; runnable as
/// `sprig example conv-bench` (use a release build).
///
/// FLOPs counted for a convolution with `K = C·k·k`, `N = OH·OW·B` and
/// `O` filters: forward `2·O·K·N`, backward `4·O·K·N` (weight gradient and
/// input gradient), so a forward+backward step is `6·O·K·N`. im2col,
/// col2im and the bias are overhead the count does not include, so the
/// ratio to sgemm shows what they cost.
public enum ConvolutionBenchmark {
  /// One measured configuration.
  public struct Measurement: Sendable {
    /// What was measured, e.g. "Conv2D 14×14×32 → 64, k3, batch 128".
    public var label: String
    /// Seconds per repetition (median).
    public var seconds: Double
    /// Billions of floating-point operations per second.
    public var gflops: Double
  }

  /// The median of `repetitions` timings of `body`, after one warm-up call.
  static func median(_ repetitions: Int, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    for _ in 0..<max(repetitions, 1) {
      let t0 = Stopwatch.seconds()
      body()
      times.append(Stopwatch.seconds() - t0)
    }
    return times.sorted()[times.count / 2]
  }

  /// sgemm on `m × k · k × n` row-major arrays.
  public static func sgemm(m: Int, n: Int, k: Int, repetitions: Int = 10) -> Measurement {
    var g = SeededGenerator(seed: 1)
    let a = (0..<(m * k)).map { _ in g.nextUnitFloat() }, b = (0..<(k * n)).map { _ in g.nextUnitFloat() }
    var c = [Float](repeating: 0, count: m * n)
    let s = median(repetitions) { BLAS.gemm(m: m, n: n, k: k, a, b, into: &c) }
    return Measurement(label: "sgemm \(m)×\(k)·\(k)×\(n)", seconds: s, gflops: 2 * Double(m * n * k) / s / 1e9)
  }

  /// Conv2D forward + backward (input gradient included) on a random batch.
  public static func convolution(
    input: ImageShape, outputChannels: Int, kernelSize: Int = 3, batch: Int = 128, repetitions: Int = 10
  ) -> Measurement {
    var g = SeededGenerator(seed: 2)
    let conv = Conv2D(input: input, outputChannels: outputChannels, kernelSize: kernelSize, using: &g)
    let x = Matrix(rows: conv.inputSize, columns: batch)
    for i in x.elements.indices { x.elements[i] = g.nextUnitFloat() - 0.5 }
    let dY = Matrix(rows: conv.outputSize, columns: batch)
    for i in dY.elements.indices { dY.elements[i] = g.nextUnitFloat() - 0.5 }
    let s = median(repetitions) {
      _ = conv.forward(x, training: true)
      _ = conv.backward(dY)
    }
    let flops = 6 * Double(outputChannels * conv.filterSize * conv.geometry.outputPixels * batch)
    return Measurement(
      label: "Conv2D \(input) → \(outputChannels), k\(kernelSize), batch \(batch), fwd+bwd", seconds: s, gflops: flops / s / 1e9)
  }

  /// The standard comparison: the example CNN's two convolutions at batch
  /// 128, and sgemm on the second one's forward shape and on a square shape.
  public static func standardSuite(repetitions: Int = 10) -> [Measurement] {
    [
      sgemm(m: 1024, n: 1024, k: 1024, repetitions: repetitions),
      sgemm(m: 64, n: 14 * 14 * 128, k: 32 * 9, repetitions: repetitions),
      convolution(input: ImageShape(height: 28, width: 28, channels: 1), outputChannels: 32, repetitions: repetitions),
      convolution(input: ImageShape(height: 14, width: 14, channels: 32), outputChannels: 64, repetitions: repetitions),
    ]
  }
}
