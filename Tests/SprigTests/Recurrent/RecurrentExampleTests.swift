import XCTest
@testable import Sprig
@testable import SprigCLI

final class RecurrentExampleTests: XCTestCase {
  func testRecurrentExampleReadsTwentyEightRowsOfTwentyEightPixels() {
    let model = SequenceExample.makeModel(shape: ImageShape(height: 28, width: 28), classes: 10, cell: .lstm, seed: 1)
    let recurrent = model.layers[0] as! Recurrent
    XCTAssertEqual(recurrent.steps, 28)
    XCTAssertEqual(recurrent.cell.inputSize, 28)
    XCTAssertEqual(model.inputSize, 784)
    XCTAssertEqual(model.outputSize, 10)
  }

  func testRecurrentExampleGRULearnsWhichRowIsBright() throws {
    // 6×4 images whose class is whether the bright row is in the top or the bottom half.
    var g = SeededGenerator(seed: 2)
    func make(_ n: Int) -> LabeledData {
      var features: [Float] = [], labels: [Int32] = []
      for _ in 0..<n {
        let row = g.nextInt(below: 6)
        for y in 0..<6 { for _ in 0..<4 { features.append(0.2 * g.nextUnitFloat() + (y == row ? 1 : 0)) } }
        labels.append(row < 3 ? 0 : 1)
      }
      return LabeledData(features: features, labels: labels, shape: ImageShape(height: 6, width: 4), classCount: 2)
    }
    let split = DatasetSplit(name: "rows", train: make(2048), test: make(256))
    let result = try SequenceExample.run(on: split, cell: .gru, hiddenSize: 16, epochs: 5, learningRate: 1e-2, seed: 3)
    XCTAssertGreaterThan(result.finalTestAccuracy, 0.9)
  }
}
