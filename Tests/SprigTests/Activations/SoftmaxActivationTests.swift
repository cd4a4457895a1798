import XCTest
@testable import Sprig

/// The softmax layer's forward on ordinary and extreme logits.
final class SoftmaxActivationTests: XCTestCase {
  func testLargeLogitsGiveFiniteCorrectProbabilities() {
    let y = Softmax(size: 2).forward(Matrix([[1000], [1001]]), training: false)
    XCTAssertTrue(y.isFinite)
    XCTAssertEqual(y[0, 0], 0.268_941_42, accuracy: 1e-6)
    XCTAssertEqual(y[1, 0], 0.731_058_58, accuracy: 1e-6)
  }

  func testEveryColumnSumsToOne() {
    let x = randomMatrix(rows: 7, columns: 5, in: -20...20, seed: 1)
    let y = Softmax(size: 7).forward(x, training: false)
    for j in 0..<5 {
      XCTAssertEqual(y.column(j).reduce(0, +), 1, accuracy: 1e-6, "column \(j)")
    }
  }

  func testEachColumnIsNormalisedOnItsOwn() {
    // Column 0 uniform, column 1 shifted by a constant: the same distribution.
    let y = Softmax(size: 3).forward(Matrix([[0, 100], [0, 100], [0, 100]]), training: false)
    for i in 0..<3 {
      XCTAssertEqual(y[i, 0], 1.0 / 3, accuracy: 1e-6)
      XCTAssertEqual(y[i, 1], 1.0 / 3, accuracy: 1e-6)
    }
  }
}
