// The real datasets, checked against the counts, labels and statistics in shared/datasets/README.md.
import Foundation
import XCTest

@testable import Sprig

final class RealDatasetTests: XCTestCase {
  /// Each dataset is loaded once for all the tests that look at it.
  static let mnist = Result {
    try DatasetSplit.load(.mnist, roots: [requireRealDataset(.mnist).deletingLastPathComponent()])
  }
  static let fashion = Result {
    try DatasetSplit.load(.fashionMNIST, roots: [requireRealDataset(.fashionMNIST).deletingLastPathComponent()])
  }

  func loadedMNIST() throws -> DatasetSplit { try Self.mnist.get() }

  // MARK: MNIST

  func testMNISTHas60000TrainAnd10000TestImagesOf28By28() throws {
    let mnist = try loadedMNIST()
    XCTAssertEqual(mnist.train.count, 60_000)
    XCTAssertEqual(mnist.test.count, 10_000)
    XCTAssertEqual(mnist.train.shape, ImageShape(height: 28, width: 28, channels: 1))
    XCTAssertEqual(mnist.train.features.count, 60_000 * 784)
  }

  // Each test loads before it asserts: an XCTSkip thrown inside an
  // assertion's autoclosure is recorded as a failure, not a skip.

  func testMNISTFirstTrainLabels() throws {
    let mnist = try loadedMNIST()
    XCTAssertEqual(Array(mnist.train.labels.prefix(10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
  }

  func testMNISTFirstTestLabels() throws {
    let mnist = try loadedMNIST()
    XCTAssertEqual(Array(mnist.test.labels.prefix(10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
  }

  func testMNISTTrainLabelHistogram() throws {
    let mnist = try loadedMNIST()
    XCTAssertEqual(mnist.train.classHistogram(), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
  }

  func testMNISTTrainPixelMean() throws {
    let mean = try loadedMNIST().train.features.withUnsafeBufferPointer { p -> Double in
      var sum = 0.0
      for x in p { sum += Double(x) }
      return sum / Double(p.count)
    }
    XCTAssertEqual(mean, 0.130660, accuracy: 1e-4)
  }

  func testMNISTLimitsReadOnlyTheFirstSamples() throws {
    let split = try DatasetSplit.load(
      .mnist, roots: [requireRealDataset(.mnist).deletingLastPathComponent()], trainLimit: 10, testLimit: 3)
    let whole = try loadedMNIST()
    XCTAssertEqual(split.train.labels, [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    XCTAssertEqual(split.test.labels, [7, 2, 1])
    XCTAssertEqual(split.train.features, Array(whole.train.features.prefix(10 * 784)))
  }

  // MARK: CIFAR-10

  func testCIFAR10FirstLabelsOfTrainBatchOneAndTestBatch() throws {
    let folder = try requireRealDataset(.cifar10)
    let train = try CIFAR10.readLabels(folder.appendingPathComponent("data_batch_1.bin"))
    let test = try CIFAR10.readLabels(folder.appendingPathComponent("test_batch.bin"))
    XCTAssertEqual(Array(train.prefix(10)), [6, 9, 9, 4, 1, 1, 2, 7, 8, 3])
    XCTAssertEqual(Array(test.prefix(10)), [3, 8, 8, 0, 6, 6, 1, 6, 3, 1])
  }

  func testCIFAR10TrainHas5000ImagesPerClass() throws {
    let folder = try requireRealDataset(.cifar10)
    var histogram = [Int](repeating: 0, count: 10)
    for file in CIFAR10.trainFiles {
      for label in try CIFAR10.readLabels(folder.appendingPathComponent(file)) { histogram[Int(label)] += 1 }
    }
    XCTAssertEqual(histogram, [Int](repeating: 5000, count: 10))
  }

  func testCIFAR10LoadByNameGivesChannelsFirstPixelsOfTheFirstRecords() throws {
    let folder = try requireRealDataset(.cifar10)
    let split = try DatasetSplit.load(
      .cifar10, roots: [folder.deletingLastPathComponent()], trainLimit: 10, testLimit: 10)
    XCTAssertEqual(split.train.labels, [6, 9, 9, 4, 1, 1, 2, 7, 8, 3])
    XCTAssertEqual(split.test.labels, [3, 8, 8, 0, 6, 6, 1, 6, 3, 1])
    XCTAssertEqual(split.train.shape, ImageShape(height: 32, width: 32, channels: 3))
    let record = [UInt8](try Data(contentsOf: folder.appendingPathComponent("data_batch_1.bin")).prefix(3073))
    XCTAssertEqual(Array(split.train.features.prefix(3072)), record.dropFirst().map { Float($0) / 255 })
  }

  // MARK: Fashion-MNIST

  func testFashionMNISTHas60000TrainAnd10000TestImages() throws {
    let fashion = try Self.fashion.get()
    XCTAssertEqual(fashion.train.count, 60_000)
    XCTAssertEqual(fashion.test.count, 10_000)
    XCTAssertEqual(fashion.name, "fashion-mnist")
  }

  func testFashionMNISTHas6000TrainImagesPerClass() throws {
    let fashion = try Self.fashion.get()
    XCTAssertEqual(fashion.train.classHistogram(), [Int](repeating: 6000, count: 10))
  }
}
