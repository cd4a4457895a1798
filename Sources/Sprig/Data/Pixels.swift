// Pixels: bytes to floats in [0, 1], the one hot loop of loading a dataset.

/// Conversion of pixel bytes to `Float`.
enum Pixels {
  /// `Float(i) / 255` for every byte value: a lookup gives the exactly
  /// rounded quotient without a division per pixel.
  static let unit: [Float] = (0..<256).map { Float($0) / 255 }

  /// Writes `source[i] / 255` to `destination[i]`; the two have the same count.
  ///
  /// Tens of millions of pixels go through here on every full load, also in
  /// debug builds, so it works on raw pointers rather than arrays.
  static func toUnit(_ source: UnsafeRawBufferPointer, _ destination: UnsafeMutableBufferPointer<Float>) {
    precondition(source.count == destination.count, "Pixels.toUnit: \(source.count) bytes into \(destination.count)")
    guard let src = source.baseAddress?.assumingMemoryBound(to: UInt8.self), var dst = destination.baseAddress
    else { return }
    unit.withUnsafeBufferPointer { table in
      let lookup = table.baseAddress!
      let end = src + source.count
      var p = src
      while p < end {
        dst.pointee = lookup[Int(p.pointee)]
        p += 1
        dst += 1
      }
    }
  }
}
