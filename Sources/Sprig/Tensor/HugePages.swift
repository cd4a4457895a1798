// HugePages: large activation buffers on 2 MB pages.
//
// The sparse kernels read one input row per connection, at random: in a
// layer of 10⁵ units the 51 MB activation matrix spans 12,500 4 KB pages,
// far more than the TLB holds, so nearly every connection also walks the
// page table. On 2 MB pages the same matrix is 26 pages. Measured on a
// 784-100k-100k-100k-10 SET-MLP (AMD Zen 5, 2 threads, six paired runs of
// 20 batches): median 402 samples/s advised vs 383 on 4 KB pages (+5 %,
// about the machine's noise). ``HugePages/enabled`` turns the advice off,
// to measure it again.
#if canImport(Glibc)
import Glibc
#endif

/// Large matrix buffers on 2 MB pages, where the system allows them.
public enum HugePages {
  /// Buffers from this size on are advised onto huge pages (smaller ones
  /// hold less than one whole 2 MB page, and fit the TLB anyway).
  static let threshold = 4 << 20
  static let pageSize = 2 << 20
  /// Whether buffers allocated from now on are advised onto huge pages: on;
  /// off is for benchmarks and experiments, to measure the advice again
  /// (`sprig-bench --no-huge-pages`). Buffers keep the pages they have.
  nonisolated(unsafe) public static var enabled = true

  /// `byteCount` bytes (callers ask for at least one element's, as an
  /// empty buffer still initialises one), 64-byte aligned, or 2 MB aligned and
  /// advised onto huge pages from ``threshold`` on (before the first touch,
  /// so the page faults themselves take 2 MB pages): the storage of
  /// ``AlignedFloats`` and ``BFloat16Matrix``.
  static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
    precondition(byteCount > 0, "HugePages.allocate: \(byteCount) bytes")
    let bytes = byteCount
    let large = enabled && bytes >= threshold
    let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: large ? pageSize : 64)
    if large { advise(UnsafeMutableRawBufferPointer(start: raw, count: bytes)) }
    return raw
  }

  /// Advises the whole 2 MB pages inside `buffer`; returns whether the
  /// kernel took the advice (false where THP is off or unsupported).
  @discardableResult
  static func advise(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
    #if os(Linux)
      guard let base = buffer.baseAddress else { return false }
      let start = (Int(bitPattern: base) + pageSize - 1) / pageSize * pageSize
      let end = (Int(bitPattern: base) + buffer.count) / pageSize * pageSize
      guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return false }
      return madvise(pointer, end - start, Int32(MADV_HUGEPAGE)) == 0
    #else
      return false
    #endif
  }
}
