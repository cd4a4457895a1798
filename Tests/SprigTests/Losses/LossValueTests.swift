import Foundation
import XCTest
@testable import Sprig

/// Loss values against hand-computed ones, including extreme inputs.
final class LossValueTests: XCTestCase {
  // Errors p − t = [1, 0, −2, 3].
  private let p = Matrix([[1, 2], [3, 4]])
  private let t = Matrix([[0, 2], [5, 1]])

  private func value(_ loss: Loss, _ p: Matrix, _ t: Matrix) -> (Float, Matrix) {
    let g = Matrix(rows: 0, columns: 0)
    return (loss(p, t, gradient: g), g)
  }

  func testMeanSquaredErrorOfKnownVectors() {
    let (l, g) = value(MeanSquaredError(), p, t)
    XCTAssertEqual(l, 3.5)  // (1 + 0 + 4 + 9) / 4
    XCTAssertEqual(g, Matrix([[0.5, 0], [-1, 1.5]]))  // 2d / 4
  }

  func testMeanAbsoluteErrorOfKnownVectors() {
    let (l, g) = value(MeanAbsoluteError(), p, t)
    XCTAssertEqual(l, 1.5)  // (1 + 0 + 2 + 3) / 4
    XCTAssertEqual(g, Matrix([[0.25, 0], [-0.25, 0.25]]))
  }

  func testHuberOfKnownVectors() {
    // ½·1², 0, 1·(2 − ½), 1·(3 − ½) → 4.5 / 4.
    XCTAssertEqual(value(Huber(), p, t).0, 1.125)
  }

  func testLogCoshOfKnownVectors() {
    XCTAssertEqual(value(LogCosh(), p, t).0, 1.017_028_02, accuracy: 1e-6)
  }

  func testLogCoshOfHugeErrorIsFinite() {
    let (l, g) = value(LogCosh(), Matrix([[1000]]), Matrix([[0]]))
    XCTAssertEqual(l, 1000 - Float(M_LN2), accuracy: 1e-3)
    XCTAssertEqual(g[0, 0], 1)
  }

  func testBinaryCrossEntropyOfZeroLogitIsLogTwo() {
    XCTAssertEqual(value(BinaryCrossEntropyWithLogits(), Matrix([[0, 0]]), Matrix([[0, 1]])).0, Float(M_LN2), accuracy: 1e-7)
  }

  func testBinaryCrossEntropyOfLogitsPlusMinusHundredIsFinite() {
    // Right and confident: ≈ 0; wrong and confident: ≈ 100 each.
    let (l, g) = value(BinaryCrossEntropyWithLogits(), Matrix([[100, -100, 100, -100]]), Matrix([[1, 1, 0, 0]]))
    XCTAssertEqual(l, 50, accuracy: 1e-4)
    XCTAssertTrue(g.isFinite)
    for (got, want) in zip(g.elements, [0, -0.25, 0.25, 0] as [Float]) { XCTAssertEqual(got, want, accuracy: 1e-7) }
  }

  func testSoftmaxCrossEntropyOfUniformLogitsIsLogClasses() {
    let (l, _) = value(SoftmaxCrossEntropy(), Matrix(rows: 10, columns: 3, repeating: 0.7), oneHot([1, 4, 9], classes: 10))
    XCTAssertEqual(l, log(10), accuracy: 1e-6)
  }

  func testSoftmaxCrossEntropyOfLargeLogitsIsFinite() {
    // Column 0 right by 1000, column 1 wrong by 1000.
    let (l, g) = value(SoftmaxCrossEntropy(), Matrix([[1000, 0], [0, 1000]]), oneHot([0, 0], classes: 2))
    XCTAssertEqual(l, 500, accuracy: 1e-3)
    XCTAssertTrue(g.isFinite)
  }

  func testSoftmaxCrossEntropyIgnoresMinusInfinityLogitsOfZeroTargets() {
    let l = value(SoftmaxCrossEntropy(), Matrix([[0], [-Float.infinity]]), oneHot([0], classes: 2)).0
    XCTAssertEqual(l, 0)
  }

  func testCorrectPredictionsCountsMatchingArgmax() {
    let logits = Matrix([[2, 0, 1], [1, 3, 0], [0, 1, 5]])
    XCTAssertEqual(SoftmaxCrossEntropy().correctPredictions(logits, oneHot([0, 1, 0], classes: 3)), 2)
  }
}
