// ColumnBlocking: wide layers' kernels taken in blocks of W's columns, so
// that the random rows they gather come from L3 rather than DRAM, and the
// choice, per kernel and shape, of whether that pays on this machine now.
import Foundation
import SprigKernels

/// How the sparse kernels of wide layers split W's columns into blocks.
///
/// A kernel reads one random row of its gathered operand per connection
/// (`X` in the forward and the SDDMM, `dY` in the backward SpMM). From a
/// 51 MB operand (100,000 features × 128) those reads wait on DRAM; from a
/// block of a few MB they hit L3, at the price of one more pass over the
/// output rows per block. Whether that pays depends on how much of the
/// shared L3 the neighbours leave: on a Zen 3 host, up to 1.6× faster with
/// the L3 to itself, 0.8–0.95× with it taken (`sprig-bench blocking`). So by
/// default each wide kernel measures both forms and runs the faster one.
///
/// A wide layer's kernels add its connections one at a time in either form,
/// so both give the same bits and the choice never changes a result.
/// Layers whose operand fits ``blockBytes`` (every layer of the reference
/// networks) are untouched.
public enum ColumnBlocking {
  /// Whether wide layers run blocked.
  public enum Mode: String, CaseIterable, Sendable {
    /// Each kernel and shape timed in both forms; the faster runs, the
    /// other re-timed every 16th call.
    case adaptive
    /// Always in blocks.
    case always
    /// Never in blocks (the same arithmetic, one block).
    case never
  }

  /// The mode: adaptive, which needs no tuning; `always` and `never` are
  /// for benchmarks and experiments (`sprig-bench --column-blocking`).
  nonisolated(unsafe) public static var mode: Mode = .adaptive
  nonisolated(unsafe) private static var bytes: Int = 8 << 20

  /// The size in bytes of a gathered operand above which a layer is wide,
  /// and the most a block's rows of it hold: 8 MB (L3 is shared with the
  /// other core and, on a cloud host, with neighbours; blocks of 2, 4 and
  /// 16 MB measured no better); 0 treats no layer as wide. Settable for
  /// experiments (`sprig-bench --block-mb`).
  public static var blockBytes: Int {
    get { bytes }
    set { bytes = max(0, newValue) }
  }

  /// The end column of each block of a `columns`-wide pattern's columns
  /// for a batch of `batch`; one block, `[columns]`, when the operand fits
  /// ``blockBytes``.
  public static func blockEnds(columns: Int, batch: Int) -> [Int] {
    guard isWide(columns: columns, batch: batch) else { return [columns] }
    let blocks = (columns * batch * MemoryLayout<Float>.size + bytes - 1) / bytes
    return (1...blocks).map { columns * $0 / blocks }
  }

  /// Whether a `columns`-wide operand of `batch` columns outgrows a block.
  public static func isWide(columns: Int, batch: Int) -> Bool {
    bytes > 0 && columns * batch * MemoryLayout<Float>.size > bytes
  }

  /// The kernels that gather rows of an operand.
  enum Kernel: Hashable {
    case forward, backward, sampledProduct
  }

  /// Runs `kernel` over every row of `pattern` in row chunks: once, with a
  /// nil block, for a layer that is not wide; for a wide one, once per
  /// column block or once as a single block, as ``mode`` decides.
  static func forEachBlock(
    of pattern: SparsityPattern, batch: Int, minimumRows: Int, kernel op: Kernel,
    _ kernel: (Range<Int>, UnsafePointer<sprig_column_block>?) -> Void
  ) {
    // Every call of every sparse kernel passes here: layers that fit one
    // block go straight on, without building the block list.
    guard isWide(columns: pattern.columns, batch: batch) else {
      return Parallel.forEachChunk(of: pattern.rows, minimumChunk: minimumRows) { kernel($0, nil) }
    }
    let ends = blockEnds(columns: pattern.columns, batch: batch)
    let key = TimingKey(kernel: op, rows: pattern.rows, columns: pattern.columns, nonzeros: pattern.nonzeroCount, batch: batch)
    let split = chooseBlocks(for: key)
    let start = DispatchTime.now().uptimeNanoseconds
    if split {
      var cursor = takeCursor(rows: pattern.rows)
      cursor.withUnsafeMutableBufferPointer { c in
        for (i, end) in ends.enumerated() {
          var block = sprig_column_block(
            cursor: c.baseAddress, column_end: Int64(end), first: i == 0 ? 1 : 0, last: i == ends.count - 1 ? 1 : 0)
          withUnsafePointer(to: &block) { b in
            Parallel.forEachChunk(of: pattern.rows, minimumChunk: minimumRows) { kernel($0, b) }
          }
        }
      }
      returnCursor(cursor)
    } else {
      var whole = sprig_column_block(cursor: nil, column_end: Int64(pattern.columns), first: 1, last: 1)
      withUnsafePointer(to: &whole) { b in
        Parallel.forEachChunk(of: pattern.rows, minimumChunk: minimumRows) { kernel($0, b) }
      }
    }
    record(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9, blocked: split, for: key)
  }

  /// The cursor array the last blocked call gave back, kept so that a
  /// training step does not allocate one per call; a call made while
  /// another holds it (another thread) allocates its own. The first block
  /// starts each row's cursor itself, so its contents do not matter.
  nonisolated(unsafe) private static var spareCursor: [Int32] = []

  private static func takeCursor(rows: Int) -> [Int32] {
    lock.lock()
    defer { lock.unlock() }
    var c: [Int32] = []
    swap(&c, &spareCursor)
    return c.count >= rows ? c : [Int32](repeating: 0, count: rows)
  }

  private static func returnCursor(_ c: [Int32]) {
    lock.lock()
    defer { lock.unlock() }
    if c.count > spareCursor.count { spareCursor = c }
  }

  // MARK: The adaptive choice

  struct TimingKey: Hashable {
    let kernel: Kernel
    let rows, columns, nonzeros, batch: Int
  }

  /// Recent seconds per call of each form, and the calls so far.
  struct Timings {
    var blocked: Double?
    var whole: Double?
    var calls = 0
  }

  nonisolated(unsafe) private static var timings: [TimingKey: Timings] = [:]
  private static let lock = NSLock()

  /// Calls between re-timings of the form not chosen, which follow the
  /// neighbours' use of L3 as it changes.
  static let retimingInterval = 16

  /// Whether this call of `key` runs in blocks.
  static func chooseBlocks(for key: TimingKey) -> Bool {
    switch mode {
    case .always: return true
    case .never: return false
    case .adaptive: break
    }
    lock.lock()
    defer { lock.unlock() }
    var t = timings[key, default: Timings()]
    t.calls += 1
    timings[key] = t
    guard let blocked = t.blocked else { return true }
    guard let whole = t.whole else { return false }
    let faster = blocked <= whole
    return t.calls % retimingInterval == 0 ? !faster : faster
  }

  /// Folds one call's time into its form's estimate (the mean of the old
  /// estimate and the new time).
  static func record(_ seconds: Double, blocked: Bool, for key: TimingKey) {
    guard mode == .adaptive else { return }
    lock.lock()
    defer { lock.unlock() }
    var t = timings[key, default: Timings()]
    if blocked {
      t.blocked = t.blocked.map { ($0 + seconds) / 2 } ?? seconds
    } else {
      t.whole = t.whole.map { ($0 + seconds) / 2 } ?? seconds
    }
    timings[key] = t
  }

  /// The estimates for a kernel and shape, for tests and benchmarks.
  static func timings(for key: TimingKey) -> Timings? {
    lock.lock()
    defer { lock.unlock() }
    return timings[key]
  }

  /// Forgets every timing (tests).
  static func resetTimings() {
    lock.lock()
    defer { lock.unlock() }
    timings = [:]
  }
}
