import XCTest
@testable import Sprig

final class ImageAugmentationTests: XCTestCase {
  let shape = ImageShape(height: 6, width: 5, channels: 2)

  /// A feature-major batch whose every value is distinct.
  func batch(samples: Int) -> Matrix {
    Matrix(rows: shape.featureCount, columns: samples, elements: (0..<(shape.featureCount * samples)).map { Float($0) })
  }

  /// Image `j` of `m` moved by (dx, dy), mirrored first if `flip`, edges repeated.
  func transformed(_ m: Matrix, _ j: Int, dx: Int, dy: Int, flip: Bool) -> [Float] {
    var out: [Float] = []
    for c in 0..<shape.channels {
      for y in 0..<shape.height {
        for x in 0..<shape.width {
          let sy = min(max(y - dy, 0), shape.height - 1)
          let sx = min(max((flip ? shape.width - 1 - x : x) - dx, 0), shape.width - 1)
          out.append(m[shape.featureIndex(channel: c, y: sy, x: sx), j])
        }
      }
    }
    return out
  }

  func testEachImageIsOneShiftAndFlipOfItselfWithEdgesRepeated() {
    let original = batch(samples: 40), augmented = original.copy()
    var scratch = ImageAugmentation.Scratch(), rng = SeededGenerator(seed: 1)
    ImageAugmentation(maxShift: 2).apply(to: augmented, shape: shape, scratch: &scratch, using: &rng)
    var seen = Set<String>()
    for j in 0..<40 {
      var matches: [String] = []
      for dx in -2...2 { for dy in -2...2 { for flip in [false, true] where transformed(original, j, dx: dx, dy: dy, flip: flip) == augmented.column(j) {
        matches.append("\(dx),\(dy),\(flip)")
      } } }
      XCTAssertFalse(matches.isEmpty, "sample \(j) is no shift or flip of itself")
      seen.formUnion(matches)
    }
    XCTAssertGreaterThan(seen.count, 10, "transforms should vary between samples")
  }

  func testNoShiftAndNoFlipLeavesTheBatchUnchanged() {
    let original = batch(samples: 7), augmented = original.copy()
    var scratch = ImageAugmentation.Scratch(), rng = SeededGenerator(seed: 2)
    ImageAugmentation(maxShift: 0, horizontalFlip: false).apply(to: augmented, shape: shape, scratch: &scratch, using: &rng)
    XCTAssertEqual(augmented.elements, original.elements)
  }

  func testFlipsAboutHalfTheImages() {
    let original = batch(samples: 400), augmented = original.copy()
    var scratch = ImageAugmentation.Scratch(), rng = SeededGenerator(seed: 3)
    ImageAugmentation(maxShift: 0).apply(to: augmented, shape: shape, scratch: &scratch, using: &rng)
    var flipped = 0
    for j in 0..<400 {
      let column = augmented.column(j)
      if column == transformed(original, j, dx: 0, dy: 0, flip: true) { flipped += 1 } else {
        XCTAssertEqual(column, original.column(j))
      }
    }
    XCTAssertEqual(Double(flipped), 200, accuracy: 40)
  }

  func testSameSeedGivesSameAugmentation() {
    func run() -> [Float] {
      let m = batch(samples: 9)
      var scratch = ImageAugmentation.Scratch(), rng = SeededGenerator(seed: 4)
      ImageAugmentation(maxShift: 3).apply(to: m, shape: shape, scratch: &scratch, using: &rng)
      return Array(m.elements)
    }
    XCTAssertEqual(run(), run())
  }

  func testAugmentingWhileFillingEqualsFillingThenAugmenting() {
    let n = 23
    let data = LabeledData(
      features: (0..<(n * shape.featureCount)).map { Float($0) }, labels: (0..<n).map { Int32($0 % 4) }, shape: shape,
      classCount: 4)
    let augmentation = ImageAugmentation(maxShift: 2)
    var fusedScratch = ImageAugmentation.Scratch(), scratch = ImageAugmentation.Scratch()
    var fusedRNG = SeededGenerator(seed: 5), rng = SeededGenerator(seed: 5)
    // Batches of two sizes through the same scratch, as an epoch's last batch is.
    for indices in [[3, 0, 22, 7, 7, 15, 1, 9, 12, 4][...], [19, 2, 8][...]] {
      let x = Matrix(rows: 0, columns: 0), y = Matrix(rows: 0, columns: 0)
      let fusedX = Matrix(rows: 0, columns: 0), fusedY = Matrix(rows: 0, columns: 0)
      data.fillBatch(indices, features: x, oneHotLabels: y)
      augmentation.apply(to: x, shape: shape, scratch: &scratch, using: &rng)
      augmentation.fillBatch(
        from: data, indices, features: fusedX, oneHotLabels: fusedY, scratch: &fusedScratch, using: &fusedRNG)
      XCTAssertEqual(fusedX, x)
      XCTAssertEqual(fusedY, y)
    }
  }

  func testColumnMapSplitsIntoRunsThatCopyEachPixelFromItsSourceColumn() {
    let maps: [[Int]] = [
      [0, 0, 0, 1, 2, 3],  // shifted right by 2: the edge repeated, then a copy
      [5, 5, 4, 3, 2, 1],  // flipped and shifted: the edge, then reversed
      [0, 2, 4, 4, 1],  // any other map still copies pixel for pixel
      [3],
    ]
    let expectedRuns: [[[Int]]] = [
      [[0, 3, 0, 0], [3, 3, 1, 1]], [[0, 2, 5, 0], [2, 4, 4, -1]], [[0, 3, 0, 2], [3, 2, 4, -3]], [[0, 1, 3, 0]],
    ]
    for (map, expected) in zip(maps, expectedRuns) {
      let source: [Float] = (0..<6).map { Float($0) * 10 + 1 }
      var row = [Float](repeating: -1, count: map.count)
      withUnsafeTemporaryAllocation(of: ColumnRun.self, capacity: map.count) { runs in
        let count = ColumnRun.split(map.count, { map[$0] }, into: runs)
        XCTAssertEqual(runs[0..<count].map { [$0.start, $0.count, $0.from, $0.step] }, expected, "\(map)")
        source.withUnsafeBufferPointer { from in
          row.withUnsafeMutableBufferPointer { to in
            for run in runs[0..<count] { run.copy(from: from.baseAddress!, to: to.baseAddress!) }
          }
        }
      }
      XCTAssertEqual(row, map.map { source[$0] }, "\(map)")
    }
  }

  func testReferenceShiftIsATenthOfTheWidth() {
    XCTAssertEqual(ImageAugmentation.reference(for: ImageShape(height: 32, width: 32, channels: 3)).maxShift, 3)
    XCTAssertTrue(ImageAugmentation.reference(for: ImageShape(height: 32, width: 32, channels: 3)).horizontalFlip)
  }
}
