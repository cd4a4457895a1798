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

  /// Buffers ``apply(to:shape:scratch:using:)`` reuses between batches, so
  /// augmenting allocates nothing once the batch size is steady.
  public struct Scratch {
    var images: [Float] = []
    /// Per sample (innermost), the source row of every output row, then the
    /// source column of every output column.
    var sourceIndex: [Int32] = []
    public init() {}
  }

  /// Augments `batch` (features × samples, each column one image of `shape`
  /// in channel-first order) in place.
  public func apply(to batch: Matrix, shape: ImageShape, scratch: inout Scratch, using rng: inout SeededGenerator) {
    precondition(batch.rows == shape.featureCount, "ImageAugmentation: \(batch.rows) features for images of \(shape)")
    let n = batch.columns, (h, w) = (shape.height, shape.width)
    let span = UInt64(2 * maxShift + 1)
    if scratch.sourceIndex.count != (h + w) * n { scratch.sourceIndex = [Int32](repeating: 0, count: (h + w) * n) }
    // Samples in order, three draws each: the same stream whatever the
    // image loop below does.
    for j in 0..<n {
      let dx = Int(rng.next() % span) - maxShift, dy = Int(rng.next() % span) - maxShift
      let flip = horizontalFlip && rng.next() & 1 == 1
      for y in 0..<h { scratch.sourceIndex[y * n + j] = Int32(min(max(y - dy, 0), h - 1)) }
      for x in 0..<w {
        let mirrored = flip ? w - 1 - x : x
        scratch.sourceIndex[(h + x) * n + j] = Int32(min(max(mirrored - dx, 0), w - 1))
      }
    }
    // Copy into the reused buffer: assigning the array would share its
    // storage and make the first write below copy it (an allocation a batch).
    if scratch.images.count != batch.count { scratch.images = [Float](repeating: 0, count: batch.count) }
    scratch.images.withUnsafeMutableBufferPointer { s in
      batch.elements.withUnsafeBufferPointer { s.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
    }
    // Output feature outer, samples inner: the writes are contiguous and
    // every read falls within a few image rows of the output feature, so
    // the batch streams through the cache once (sample-outer loops strided
    // by the batch width and missed the cache on every pixel).
    scratch.images.withUnsafeBufferPointer { source in
      batch.elements.withUnsafeMutableBufferPointer { out in
        scratch.sourceIndex.withUnsafeBufferPointer { map in
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
