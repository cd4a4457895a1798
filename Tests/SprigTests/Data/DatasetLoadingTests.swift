import Foundation
import XCTest

@testable import Sprig

final class DatasetLoadingTests: XCTestCase {
  var scratch: ScratchFolder!

  override func setUpWithError() throws { scratch = try ScratchFolder() }
  override func tearDown() { scratch.remove() }

  /// A tiny IDX dataset in `folder/`: 6 train and 3 test images of 2×3 pixels.
  @discardableResult
  func writeTinyIDX(in folder: String, compressed: Bool = false) throws -> (train: [UInt8], test: [UInt8]) {
    let dir = scratch.file(folder)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let ext = compressed ? ".gz" : ""
    let train = randomBytes(6 * 6, seed: 11)
    let test = randomBytes(3 * 6, seed: 12)
    try IDX.writeImages(
      train, count: 6, height: 2, width: 3, to: dir.appendingPathComponent(IDXFiles.trainImages + ext),
      compressed: compressed)
    try IDX.writeLabels(
      [0, 1, 2, 3, 4, 9], to: dir.appendingPathComponent(IDXFiles.trainLabels + ext), compressed: compressed)
    try IDX.writeImages(
      test, count: 3, height: 2, width: 3, to: dir.appendingPathComponent(IDXFiles.testImages + ext),
      compressed: compressed)
    try IDX.writeLabels([7, 8, 5], to: dir.appendingPathComponent(IDXFiles.testLabels + ext), compressed: compressed)
    return (train, test)
  }

  func testLoadIDXScalesPixelsToUnitRange() throws {
    let (train, _) = try writeTinyIDX(in: "tiny")
    let dir = scratch.file("tiny")
    let split = try DatasetSplit.loadIDX(
      trainImages: dir.appendingPathComponent(IDXFiles.trainImages),
      trainLabels: dir.appendingPathComponent(IDXFiles.trainLabels),
      testImages: dir.appendingPathComponent(IDXFiles.testImages),
      testLabels: dir.appendingPathComponent(IDXFiles.testLabels))
    XCTAssertEqual(split.train.features, train.map { Float($0) / 255 })
  }

  func testLoadIDXKeepsLabelsShapeAndName() throws {
    try writeTinyIDX(in: "tiny")
    let dir = scratch.file("tiny")
    let split = try DatasetSplit.loadIDX(
      trainImages: dir.appendingPathComponent(IDXFiles.trainImages),
      trainLabels: dir.appendingPathComponent(IDXFiles.trainLabels),
      testImages: dir.appendingPathComponent(IDXFiles.testImages),
      testLabels: dir.appendingPathComponent(IDXFiles.testLabels))
    XCTAssertEqual(split.name, "tiny")
    XCTAssertEqual(split.train.labels, [0, 1, 2, 3, 4, 9])
    XCTAssertEqual(split.test.labels, [7, 8, 5])
    XCTAssertEqual(split.train.shape, ImageShape(height: 2, width: 3, channels: 1))
    XCTAssertEqual(split.train.count, 6)
    XCTAssertEqual(split.test.count, 3)
    XCTAssertEqual(split.train.featureCount, 6)
    XCTAssertEqual(split.train.classCount, 10)
  }

  func testLoadByNameFindsGzippedFilesUnderARoot() throws {
    let (train, test) = try writeTinyIDX(in: "mnist", compressed: true)
    let split = try DatasetSplit.load(.mnist, roots: [scratch.url])
    XCTAssertEqual(split.name, "mnist")
    XCTAssertEqual(split.train.features, train.map { Float($0) / 255 })
    XCTAssertEqual(split.test.features, test.map { Float($0) / 255 })
  }

  func testLoadLimitsTakeTheFirstSamples() throws {
    let (train, test) = try writeTinyIDX(in: "fashion-mnist")
    let split = try DatasetSplit.load(.fashionMNIST, roots: [scratch.url], trainLimit: 2, testLimit: 1)
    XCTAssertEqual(split.train.labels, [0, 1])
    XCTAssertEqual(split.test.labels, [7])
    XCTAssertEqual(split.train.features, train[..<12].map { Float($0) / 255 })
    XCTAssertEqual(split.test.features, test[..<6].map { Float($0) / 255 })
  }

  func testImageAndLabelCountMismatchThrowsCountMismatch() throws {
    let images = scratch.file("images-idx3-ubyte")
    let labels = scratch.file("labels-idx1-ubyte")
    try IDX.writeImages(randomBytes(4 * 6, seed: 1), count: 4, height: 2, width: 3, to: images)
    try IDX.writeLabels([1, 2, 3], to: labels)
    assertDataError(try LabeledData(idxImages: images, labels: labels), naming: "labels-idx1-ubyte") {
      if case .countMismatch(_, 4, _, 3) = $0 { return true }
      return false
    }
  }

  func testCountMismatchIsCaughtUnderALimit() throws {
    let images = scratch.file("images-idx3-ubyte")
    let labels = scratch.file("labels-idx1-ubyte")
    try IDX.writeImages(randomBytes(4 * 6, seed: 1), count: 4, height: 2, width: 3, to: images)
    try IDX.writeLabels([1, 2, 3], to: labels)
    assertDataError(try LabeledData(idxImages: images, labels: labels, limit: 2), naming: "images-idx3-ubyte") {
      if case .countMismatch = $0 { return true }
      return false
    }
  }

  func testIDXLabelAboveClassCountThrowsBadLabel() throws {
    let images = scratch.file("images-idx3-ubyte")
    let labels = scratch.file("labels-idx1-ubyte")
    try IDX.writeImages(randomBytes(3 * 6, seed: 1), count: 3, height: 2, width: 3, to: images)
    try IDX.writeLabels([1, 10, 3], to: labels)
    assertDataError(try LabeledData(idxImages: images, labels: labels, classCount: 10), naming: "labels-idx1-ubyte") {
      if case .badLabel(_, 1, 10, 10) = $0 { return true }
      return false
    }
  }

  func testTrainAndTestOfDifferentShapesThrowShapeMismatch() throws {
    let dir = scratch.url
    try IDX.writeImages(
      randomBytes(6, seed: 1), count: 1, height: 2, width: 3, to: dir.appendingPathComponent("a-images"))
    try IDX.writeImages(
      randomBytes(4, seed: 1), count: 1, height: 2, width: 2, to: dir.appendingPathComponent("b-images"))
    try IDX.writeLabels([1], to: dir.appendingPathComponent("labels"))
    assertDataError(
      try DatasetSplit.loadIDX(
        trainImages: dir.appendingPathComponent("a-images"), trainLabels: dir.appendingPathComponent("labels"),
        testImages: dir.appendingPathComponent("b-images"), testLabels: dir.appendingPathComponent("labels")),
      naming: "b-images"
    ) {
      if case .shapeMismatch = $0 { return true }
      return false
    }
  }

  func testZeroWidthImagesThrowAbsurdDimensions() throws {
    let images = try scratch.write(idxHeader(magic: IDX.imagesMagic, dimensions: [3, 28, 0]), to: "flat-idx3")
    let labels = scratch.file("labels")
    try IDX.writeLabels([1, 2, 3], to: labels)
    assertDataError(try LabeledData(idxImages: images, labels: labels), naming: "flat-idx3") {
      if case .absurdDimensions = $0 { return true }
      return false
    }
  }
}
