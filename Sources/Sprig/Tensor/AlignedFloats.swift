// AlignedFloats: a matrix's elements, starting on a cache-line boundary.
//
// A Swift [Float] of more than a few hundred KB starts 48 bytes past a
// 64-byte line (glibc's mmap chunk header plus the array header), so in a
// feature-major batch of 128 every row began 16 bytes before a line: each
// 256-byte tile a sparse kernel reads spanned five lines instead of four and
// half its 32-byte loads were split. On a Zen 3 core `sprig-bench kernels
// --shapes 1000x1000 --densities 4 --threads 1`, six paired runs against the
// commit before: forward median 25.5 vs 21.1 GFLOP/s, backward 20.5 vs 18.0.

/// Contiguous `Float` storage whose first element is 64-byte aligned
/// (2 MB aligned, and advised onto huge pages, from ``HugePages/threshold``
/// on), with value semantics: copies share storage until one is written.
///
/// It is a `RandomAccessCollection` and `MutableCollection` like `[Float]`,
/// with the same `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer`,
/// and `Array(_:)` turns it into an array.
public struct AlignedFloats: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral, Equatable,
  CustomStringConvertible, @unchecked Sendable
{
  final class Storage {
    let base: UnsafeMutablePointer<Float>
    /// The floats in use, at most `capacity`.
    var count: Int
    let capacity: Int

    /// Uninitialised storage for `count` floats.
    init(count: Int) {
      let raw = HugePages.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Float>.stride)
      base = raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
      self.count = count
      self.capacity = count
    }

    deinit { base.deallocate() }
  }

  private var storage: Storage

  /// `count` copies of `value`.
  public init(repeating value: Float, count: Int) {
    precondition(count >= 0, "AlignedFloats: negative count")
    storage = Storage(count: count)
    storage.base.initialize(repeating: value, count: count)
  }

  /// The elements of `values`, in order.
  public init<S: Sequence>(_ values: S) where S.Element == Float {
    let array = values as? [Float] ?? Array(values)
    storage = Storage(count: array.count)
    array.withUnsafeBufferPointer { source in
      if let from = source.baseAddress { storage.base.initialize(from: from, count: source.count) }
    }
  }

  public init(arrayLiteral elements: Float...) { self.init(elements) }

  public var startIndex: Int { 0 }
  public var endIndex: Int { storage.count }
  public var count: Int { storage.count }

  public subscript(position: Int) -> Float {
    get {
      precondition(position >= 0 && position < storage.count, "AlignedFloats: index \(position) out of range")
      return storage.base[position]
    }
    set {
      precondition(position >= 0 && position < storage.count, "AlignedFloats: index \(position) out of range")
      makeUnique()
      storage.base[position] = newValue
    }
  }

  /// Calls `body` with the elements as a buffer.
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
  }

  /// Calls `body` with the elements as a mutable buffer (copying them first
  /// if another value shares them).
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    makeUnique()
    var buffer = UnsafeMutableBufferPointer(start: storage.base, count: storage.count)
    return try body(&buffer)
  }

  /// Calls `body` with the elements' bytes.
  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
  }

  /// Calls `body` with the elements' bytes, writable.
  public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeMutableBufferPointer { try body(UnsafeMutableRawBufferPointer($0)) }
  }

  /// Becomes `count` zeros, in the storage it has when that is unshared
  /// and large enough: a buffer that changes size between training and
  /// evaluation batches is then allocated, and its pages faulted in, once.
  mutating func resetToZeros(count: Int) {
    precondition(count >= 0, "AlignedFloats: negative count")
    guard count <= storage.capacity, isKnownUniquelyReferenced(&storage) else {
      self = AlignedFloats(repeating: 0, count: count)
      return
    }
    storage.count = count
    storage.base.update(repeating: 0, count: count)
  }

  private mutating func makeUnique() {
    if isKnownUniquelyReferenced(&storage) { return }
    let copy = Storage(count: storage.count)
    copy.base.initialize(from: storage.base, count: storage.count)
    storage = copy
  }

  public static func == (lhs: AlignedFloats, rhs: AlignedFloats) -> Bool {
    lhs.count == rhs.count && lhs.elementsEqual(rhs)
  }

  public var description: String { Array(self).description }
}

/// Contiguous `Float` storage that the BLAS wrappers read: `[Float]` and
/// ``AlignedFloats``.
public protocol ContiguousFloats {
  var count: Int { get }
  func withContiguousFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R
}

/// Contiguous `Float` storage that the BLAS wrappers write.
public protocol MutableContiguousFloats: ContiguousFloats {
  mutating func withMutableContiguousFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R
}

extension Array: ContiguousFloats, MutableContiguousFloats where Element == Float {
  public func withContiguousFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
    try withUnsafeBufferPointer { try body($0) }
  }

  public mutating func withMutableContiguousFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
    try withUnsafeMutableBufferPointer { try body($0) }
  }
}

extension AlignedFloats: MutableContiguousFloats {
  public func withContiguousFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
    try withUnsafeBufferPointer(body)
  }

  public mutating func withMutableContiguousFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
    try withUnsafeMutableBufferPointer { try body($0) }
  }
}
