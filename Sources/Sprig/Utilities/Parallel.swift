// Parallel: the one thread-count knob, the workers' spin time, and the
// row-chunked parallel loop.
import Foundation
import SprigKernels

/// Sprig's parallelism: one knob for Sprig's kernels, OpenBLAS and GraphBLAS.
public enum Parallel {
  nonisolated(unsafe) private static var threads: Int = {
    let env = ProcessInfo.processInfo.environment["SPRIG_THREADS"].flatMap { Int($0) }
    let n = max(1, env ?? ProcessInfo.processInfo.activeProcessorCount)
    BLAS.setThreads(n)
    GraphBLASMatrix.setThreads(n)
    return n
  }()

  /// Threads used by every kernel, OpenBLAS and GraphBLAS. Starts from the
  /// environment variable `SPRIG_THREADS` (docs/configuration.md), else the
  /// number of cores; the CLI's `--threads` sets it.
  public static var threadCount: Int {
    get { threads }
    set {
      threads = max(1, newValue)
      BLAS.setThreads(threads)
      GraphBLASMatrix.setThreads(threads)
    }
  }

  /// How long, in microseconds, an idle worker spins waiting for the next
  /// loop before it sleeps: 200, long enough that the next short kernel of
  /// the same training step finds it awake (waking a sleeping thread costs
  /// tens of microseconds on a virtual machine). Settable for benchmarks
  /// and experiments (`sprig-bench --spin-microseconds`); workers already
  /// waiting keep the time they started with.
  public static var spinMicroseconds: Int {
    get { Int(sprig_parallel_spin_microseconds()) }
    set { sprig_parallel_set_spin_microseconds(Int64(max(0, newValue))) }
  }

  /// Runs `body` over `0..<count` split into contiguous chunks.
  ///
  /// Chunks are several per thread, so that a thread the OS deschedules on a
  /// shared machine delays only a small piece of the work, not the whole step.
  /// `minimumChunk` keeps tiny loops on one thread.
  public static func forEachChunk(
    of count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void
  ) {
    let t = threadCount
    if t == 1 || count <= minimumChunk {
      if count > 0 { body(0..<count) }
      return
    }
    let chunks = min(max(1, count / max(minimumChunk, 1)), t * 8)
    if chunks <= 1 {
      body(0..<count)
      return
    }
    // Sprig's own pool (SprigKernels/ThreadPool.c) rather than
    // concurrentPerform: its workers stay awake between the short kernels
    // of a step, where waking a thread per call cost a third of the
    // second core's gain on a 1000×1000 layer.
    withoutActuallyEscaping(body) { body in
      var loop = ChunkedLoop(count: count, chunks: chunks, body: body)
      withUnsafeMutablePointer(to: &loop) { pointer in
        sprig_parallel_for(Int64(chunks), Int32(t), { context, c in
          let loop = context!.assumingMemoryBound(to: ChunkedLoop.self)
          let (count, chunks) = (loop.pointee.count, loop.pointee.chunks)
          let start = count * Int(c) / chunks
          let end = count * (Int(c) + 1) / chunks
          if start < end { loop.pointee.body(start..<end) }
        }, pointer)
      }
    }
  }
}

/// A chunked loop as the C pool's tasks see it.
private struct ChunkedLoop {
  let count: Int
  let chunks: Int
  let body: (Range<Int>) -> Void
}
