// GradientBucket: every parameter's gradient in one contiguous buffer, so
// that data-parallel training sums them with one collective per step.

/// The gradients of a model's parameters packed end to end, with room for
/// a few step statistics (loss, correct predictions) that ride along.
///
/// One buffer, one collective: 2·N small sums for N parameters cost a
/// latency each, where one sum over all of them costs one (and the sparse
/// layers' gradients are already contiguous arrays over the shared
/// pattern, so packing is a copy). The layout follows the parameters'
/// order and lengths, which a rewire changes only in length.
final class GradientBucket {
  private(set) var buffer: [Float] = []

  /// Copies every parameter's `field` (its gradient, or its values), then
  /// `extras`, into the buffer.
  func pack(_ parameters: [Parameter], _ field: ReferenceWritableKeyPath<Parameter, [Float]>, extras: [Float]) {
    let total = parameters.reduce(0) { $0 + $1[keyPath: field].count } + extras.count
    if buffer.count != total { buffer = [Float](repeating: 0, count: total) }
    var offset = 0
    buffer.withUnsafeMutableBufferPointer { out in
      for p in parameters {
        p[keyPath: field].withUnsafeBufferPointer { g in
          guard let base = g.baseAddress, g.count > 0 else { return }
          (out.baseAddress! + offset).update(from: base, count: g.count)
        }
        offset += p[keyPath: field].count
      }
      for (i, e) in extras.enumerated() { out[offset + i] = e }
    }
  }

  /// Copies the buffer back into every parameter's `field`, multiplied by
  /// `scale`; returns the extras (not scaled).
  func unpack(
    into parameters: [Parameter], _ field: ReferenceWritableKeyPath<Parameter, [Float]>, scale: Float = 1, extraCount: Int
  ) -> [Float] {
    var offset = 0
    buffer.withUnsafeBufferPointer { source in
      for p in parameters {
        let n = p[keyPath: field].count
        p[keyPath: field].withUnsafeMutableBufferPointer { g in
          guard let base = g.baseAddress, n > 0 else { return }
          if scale == 1 {
            base.update(from: source.baseAddress! + offset, count: n)
          } else {
            for i in 0..<n { base[i] = source[offset + i] * scale }
          }
        }
        offset += n
      }
    }
    return Array(buffer[offset..<(offset + extraCount)])
  }

  /// Sums the buffer over `collective`.
  func sum(over collective: Collective) { collective.sum(&buffer) }
}

extension Matrix {
  /// Makes this matrix columns `range` of `source` (samples `range` of a
  /// feature-major batch).
  func setColumns(_ range: Range<Int>, of source: Matrix) {
    reshape(rows: source.rows, columns: range.count)
    let n = range.count, stride = source.columns
    guard n > 0 else { return }
    source.elements.withUnsafeBufferPointer { from in
      elements.withUnsafeMutableBufferPointer { to in
        for i in 0..<source.rows {
          (to.baseAddress! + i * n).update(from: from.baseAddress! + i * stride + range.lowerBound, count: n)
        }
      }
    }
  }
}

/// A 64-bit FNV-1a hash: equal inputs give equal values on every machine
/// (Swift's `Hasher` is seeded per process, so it cannot be compared
/// across ranks).
struct Fingerprint {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func mix(_ v: UInt64, bytes: Int = 8) {
    var v = v
    for _ in 0..<bytes {
      value = (value ^ (v & 0xff)) &* 0x100_0000_01b3
      v >>= 8
    }
  }

  mutating func mix(_ values: [UInt64]) { for v in values { mix(v) } }

  mutating func mix(_ values: [Int32]) { for v in values { mix(UInt64(UInt32(bitPattern: v)), bytes: 4) } }
}

extension SparsityPattern {
  /// The FNV-1a hash of the shape and every row pointer and column index:
  /// ranks compare it to prove their topologies are still the same after a
  /// rewire.
  public var fingerprint: UInt64 {
    var f = Fingerprint()
    f.mix([UInt64(rows), UInt64(columns)])
    f.mix(rowPointers)
    f.mix(columnIndices)
    return f.value
  }
}

extension Matrix {
  /// Multiplies every element by `factor`.
  func scale(by factor: Float) {
    elements.withUnsafeMutableBufferPointer { e in
      for i in e.indices { e[i] *= factor }
    }
  }
}
