// ImageAugmentation: random whole-pixel shifts and horizontal flips of a
// feature-major image batch — CIFAR-10's customary augmentation.

/// Random shifts and horizontal flips applied to each training batch.
///
/// This is the augmentation the SET paper's CIFAR-10 experiments used
/// (Keras' `ImageDataGenerator(width_shift_range=0.1,
/// height_shift_range=0.1, horizontal_flip=True)`), with whole-pixel shifts:
/// each sample moves by `dx, dy` drawn uniformly from `-maxShift...maxShift`
/// and is mirrored left–right with probability ½; pixels shifted in from
/// outside repeat the nearest edge pixel (Keras' default `nearest` fill), so
/// no black borders change the input statistics.
public struct ImageAugmentation: Codable, Equatable, Sendable {
  /// The largest shift in pixels, each direction.
  public var maxShift: Int
  /// Whether to mirror half of the samples left–right.
  public var horizontalFlip: Bool

  public init(maxShift: Int, horizontalFlip: Bool = true) {
    precondition(maxShift >= 0, "ImageAugmentation: maxShift must not be negative")
    self.maxShift = maxShift
    self.horizontalFlip = horizontalFlip
  }

  /// The reference setting for images of `shape`: shifts up to 10 % of the
  /// width (3 pixels on 32×32) and horizontal flips.
  public static func reference(for shape: ImageShape) -> ImageAugmentation {
    ImageAugmentation(maxShift: max(1, (shape.width + 5) / 10), horizontalFlip: true)
  }

  /// Augments `batch` (features × samples, each column one image of `shape`
  /// in channel-first order) in place; `scratch` is reused between calls.
  public func apply(to batch: Matrix, shape: ImageShape, scratch: inout [Float], using rng: inout SeededGenerator) {
    precondition(batch.rows == shape.featureCount, "ImageAugmentation: \(batch.rows) features for images of \(shape)")
    let n = batch.columns, (h, w) = (shape.height, shape.width)
    let span = UInt64(2 * maxShift + 1)
    // Draw every sample's transform first: the stream does not depend on
    // the loop below.
    var transforms: [(dx: Int, dy: Int, flip: Bool)] = []
    transforms.reserveCapacity(n)
    for _ in 0..<n {
      let dx = Int(rng.next() % span) - maxShift, dy = Int(rng.next() % span) - maxShift
      let flip = horizontalFlip && rng.next() & 1 == 1
      transforms.append((dx, dy, flip))
    }
    // Copy into the reused buffer: assigning the array would share its
    // storage and make the first write below copy it (an allocation a batch).
    if scratch.count != batch.count { scratch = [Float](repeating: 0, count: batch.count) }
    scratch.withUnsafeMutableBufferPointer { s in
      batch.elements.withUnsafeBufferPointer { s.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
    }
    // Each sample's source row for every output row, and source column for
    // every output column (untransformed samples map to themselves).
    var sourceIndex = [Int32](repeating: 0, count: (h + w) * n)
    for (j, t) in transforms.enumerated() {
      for y in 0..<h { sourceIndex[y * n + j] = Int32(min(max(y - t.dy, 0), h - 1)) }
      for x in 0..<w {
        let mirrored = t.flip ? w - 1 - x : x
        sourceIndex[(h + x) * n + j] = Int32(min(max(mirrored - t.dx, 0), w - 1))
      }
    }
    // Output feature outer, samples inner: the writes are contiguous and
    // every read falls within a few image rows of the output feature, so
    // the batch streams through the cache once (sample-outer loops strided
    // by the batch width and missed the cache on every pixel).
    scratch.withUnsafeBufferPointer { source in
      batch.elements.withUnsafeMutableBufferPointer { out in
        sourceIndex.withUnsafeBufferPointer { map in
          for c in 0..<shape.channels {
            for y in 0..<h {
              for x in 0..<w {
                let base = ((c * h + y) * w + x) * n
                for j in 0..<n {
                  let sy = Int(map[y * n + j]), sx = Int(map[(h + x) * n + j])
                  out[base + j] = source[((c * h + sy) * w + sx) * n + j]
                }
              }
            }
          }
        }
      }
    }
  }
}
