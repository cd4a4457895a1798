import XCTest
@testable import Sprig
@testable import SprigCLI

final class ConvolutionExampleTests: XCTestCase {
  func testConvExampleSparseHeadHasOverTwentyTimesFewerWeights() {
    let shape = ImageShape(height: 28, width: 28)
    let dense = CNNExample.makeModel(shape: shape, classes: 10, head: .dense, seed: 1)
    let sparse = CNNExample.makeModel(shape: shape, classes: 10, head: .sparse(epsilon: 5), seed: 1)
    XCTAssertEqual(dense.outputSize, 10)
    XCTAssertEqual(sparse.sparseLayers.count, 1)
    XCTAssertGreaterThan(Double(headWeightCount(dense)) / Double(headWeightCount(sparse)), 20)
  }

  func testConvExampleCNNLearnsASyntheticTask() throws {
    // 12×12 images whose class is which half is bright; two epochs reach high accuracy.
    var g = SeededGenerator(seed: 2)
    func make(_ n: Int) -> LabeledData {
      var features: [Float] = [], labels: [Int32] = []
      for _ in 0..<n {
        let label = g.nextInt(below: 2)
        for _ in 0..<12 { for x in 0..<12 { features.append(g.nextUnitFloat() + ((x < 6) == (label == 1) ? 1 : 0)) } }
        labels.append(Int32(label))
      }
      return LabeledData(features: features, labels: labels, shape: ImageShape(height: 12, width: 12), classCount: 2)
    }
    let split = DatasetSplit(name: "halves", train: make(256), test: make(64))
    let result = try CNNExample.run(on: split, head: .sparse(epsilon: 2), epochs: 2, seed: 3)
    XCTAssertGreaterThan(result.finalTestAccuracy, 0.9)
  }

  func testConvBenchmarkReportsPositiveThroughput() {
    let m = ConvolutionBenchmark.convolution(input: ImageShape(height: 6, width: 6, channels: 2), outputChannels: 3, batch: 4, repetitions: 2)
    XCTAssertGreaterThan(m.gflops, 0)
    XCTAssertTrue(m.label.hasPrefix("Conv2D"))
  }
}
