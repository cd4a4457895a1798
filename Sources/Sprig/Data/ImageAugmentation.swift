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
    /// `0..<batch`, for gathering the augmented samples in order.
    var order: [Int] = []
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
    drawSourceIndices(samples: n, shape: shape, scratch: &scratch, using: &rng)
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

  /// Draws each of `n` samples' shift and flip (in sample order, three
  /// draws each: the same stream whichever way the pixels are then moved)
  /// into `scratch.sourceIndex`: per sample (innermost), the source row of
  /// every output row, then the source column of every output column.
  func drawSourceIndices(samples n: Int, shape: ImageShape, scratch: inout Scratch, using rng: inout SeededGenerator) {
    let (h, w) = (shape.height, shape.width)
    let span = UInt64(2 * maxShift + 1)
    if scratch.sourceIndex.count != (h + w) * n { scratch.sourceIndex = [Int32](repeating: 0, count: (h + w) * n) }
    for j in 0..<n {
      let dx = Int(rng.next() % span) - maxShift, dy = Int(rng.next() % span) - maxShift
      let flip = horizontalFlip && rng.next() & 1 == 1
      for y in 0..<h { scratch.sourceIndex[y * n + j] = Int32(min(max(y - dy, 0), h - 1)) }
      for x in 0..<w {
        let mirrored = flip ? w - 1 - x : x
        scratch.sourceIndex[(h + x) * n + j] = Int32(min(max(mirrored - dx, 0), w - 1))
      }
    }
  }

  /// The samples of `data` at `indices`, augmented, into `features` and
  /// `oneHotLabels` as ``LabeledData/fillBatch(_:features:oneHotLabels:)``
  /// writes them: the same values and random draws as that followed by
  /// ``apply(to:shape:scratch:using:)``, but each image is moved while it is
  /// still one contiguous sample, before the transpose to feature-major,
  /// instead of gathering across the whole batch afterwards.
  public func fillBatch(
    from data: LabeledData, _ indices: ArraySlice<Int>, features: Matrix, oneHotLabels: Matrix,
    scratch: inout Scratch, using rng: inout SeededGenerator
  ) {
    let shape = data.shape, f = data.featureCount, n = indices.count
    precondition(shape.featureCount == f, "ImageAugmentation: \(f) features for images of \(shape)")
    precondition(indices.allSatisfy { $0 >= 0 && $0 < data.count }, "fillBatch: a sample index is outside 0..<\(data.count)")
    features.reshape(rows: f, columns: n)
    oneHotLabels.reshape(rows: data.classCount, columns: n)
    guard n > 0 else { return }
    drawSourceIndices(samples: n, shape: shape, scratch: &scratch, using: &rng)
    if scratch.images.count != n * f { scratch.images = [Float](repeating: 0, count: n * f) }
    if scratch.order.count != n { scratch.order = Array(0..<n) }
    let (h, w) = (shape.height, shape.width)
    indices.withUnsafeBufferPointer { index in
      data.features.withUnsafeBufferPointer { source in
        scratch.sourceIndex.withUnsafeBufferPointer { map in
          scratch.images.withUnsafeMutableBufferPointer { images in
            // The sample's column map as runs of one step each (a shift is an
            // edge pixel repeated and a copied run, a flip a reversed one), so
            // that each row moves as a few block copies: a gather through the
            // map, pixel by pixel, was 3 % of a SET-MLP step on CIFAR-10.
            withUnsafeTemporaryAllocation(of: ColumnRun.self, capacity: w) { runs in
              for j in 0..<n {
                let image = source.baseAddress! + index[j] * f, out = images.baseAddress! + j * f
                let runCount = ColumnRun.split(w, { Int(map[(h + $0) * n + j]) }, into: runs)
                for c in 0..<shape.channels {
                  for y in 0..<h {
                    let from = image + (c * h + Int(map[y * n + j])) * w, to = out + (c * h + y) * w
                    for run in runs[0..<runCount] { run.copy(from: from, to: to) }
                  }
                }
              }
            }
          }
        }
      }
    }
    scratch.images.withUnsafeBufferPointer { images in
      scratch.order.withUnsafeBufferPointer { order in
        features.elements.withUnsafeMutableBufferPointer { destination in
          ElementwiseKernels.gatherColumns(images, featureCount: f, indices: order, into: destination)
        }
      }
    }
    data.fillOneHot(indices, into: oneHotLabels)
  }
}

/// Output columns `start..<start + count` of an image row, read from source
/// columns `from, from + step, …`: a piece of an augmentation's column map.
struct ColumnRun {
  var start: Int, count: Int, from: Int, step: Int

  /// Splits the map `column(0..<width)` into runs of one step each, written
  /// to `runs` (room for `width`); returns how many.
  static func split(_ width: Int, _ column: (Int) -> Int, into runs: UnsafeMutableBufferPointer<ColumnRun>) -> Int {
    var n = 0, x = 0
    while x < width {
      let from = column(x)
      let step = x + 1 < width ? column(x + 1) - from : 0
      var end = x + 1
      while end < width && column(end) == from + (end - x) * step { end += 1 }
      runs[n] = ColumnRun(start: x, count: end - x, from: from, step: step)
      n += 1
      x = end
    }
    return n
  }

  /// Copies this run of row `from` into row `to`.
  func copy(from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>) {
    let source = from + self.from, target = to + start
    switch step {
    case 0: target.update(repeating: source.pointee, count: count)
    case 1: target.update(from: source, count: count)
    case -1: for i in 0..<count { target[i] = source[-i] }
    default: for i in 0..<count { target[i] = source[i * step] }
    }
  }
}
