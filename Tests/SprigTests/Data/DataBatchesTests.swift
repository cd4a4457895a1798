import Foundation
import XCTest

@testable import Sprig

final class DataBatchesTests: XCTestCase {
  /// `n` samples of `featureCount` features where feature k of sample i is `i * 1000 + k`.
  func numbered(_ n: Int, featureCount: Int, classCount: Int = 10) -> LabeledData {
    LabeledData(
      features: (0..<n * featureCount).map { Float(($0 / featureCount) * 1000 + $0 % featureCount) },
      labels: (0..<n).map { Int32($0 % classCount) },
      shape: ImageShape(height: 1, width: featureCount), classCount: classCount)
  }

  func testFillBatchPutsSampleIndicesJInColumnJ() {
    // 100 features and 37 samples: two blocks of 16 samples and a tail.
    let data = numbered(50, featureCount: 100)
    let indices = (0..<37).map { ($0 * 7) % 50 }
    let x = Matrix(rows: 1, columns: 1)
    let y = Matrix(rows: 1, columns: 1)
    data.fillBatch(indices[...], features: x, oneHotLabels: y)
    XCTAssertEqual(x.rows, 100)
    XCTAssertEqual(x.columns, 37)
    for (j, i) in indices.enumerated() {
      XCTAssertEqual(x.column(j), Array(data.features[(i * 100)..<((i + 1) * 100)]), "column \(j)")
    }
  }

  func testFillBatchWritesOneHotLabelsPerColumn() {
    let data = numbered(20, featureCount: 3, classCount: 4)
    let indices = [5, 2, 19, 0]
    let x = Matrix(rows: 3, columns: 4)
    let y = Matrix(rows: 4, columns: 4, repeating: 9)
    data.fillBatch(indices[...], features: x, oneHotLabels: y)
    for (j, i) in indices.enumerated() {
      var expected = [Float](repeating: 0, count: 4)
      expected[Int(data.labels[i])] = 1
      XCTAssertEqual(y.column(j), expected)
    }
  }

  func testFillBatchReusesMatricesThatAlreadyHaveTheShape() {
    let data = numbered(40, featureCount: 8)
    let x = Matrix(rows: 8, columns: 16)
    let y = Matrix(rows: 10, columns: 16)
    let xStorage = x.elements.withUnsafeBufferPointer { $0.baseAddress }
    let yStorage = y.elements.withUnsafeBufferPointer { $0.baseAddress }
    data.fillBatch(Array(0..<40)[16..<32], features: x, oneHotLabels: y)
    XCTAssertEqual(x.elements.withUnsafeBufferPointer { $0.baseAddress }, xStorage)
    XCTAssertEqual(y.elements.withUnsafeBufferPointer { $0.baseAddress }, yStorage)
    XCTAssertEqual(x.column(0), Array(data.features[(16 * 8)..<(17 * 8)]))
  }

  func testShuffledOrderIsAPermutation() {
    let data = numbered(1000, featureCount: 1)
    var g = SeededGenerator(seed: 3)
    let order = data.shuffledOrder(using: &g)
    XCTAssertEqual(order.sorted(), Array(0..<1000))
    XCTAssertNotEqual(order, Array(0..<1000))
  }

  func testShuffledOrderIsTheSameForTheSameSeed() {
    let data = numbered(500, featureCount: 1)
    var a = SeededGenerator(seed: 17)
    var b = SeededGenerator(seed: 17)
    var c = SeededGenerator(seed: 18)
    let first = data.shuffledOrder(using: &a)
    XCTAssertEqual(first, data.shuffledOrder(using: &b))
    XCTAssertNotEqual(first, data.shuffledOrder(using: &c))
  }

  func testShuffledOrderOfOneOrNoSamples() {
    var g = SeededGenerator(seed: 1)
    XCTAssertEqual(numbered(1, featureCount: 1).shuffledOrder(using: &g), [0])
    XCTAssertEqual(numbered(0, featureCount: 1).shuffledOrder(using: &g), [])
  }
}
