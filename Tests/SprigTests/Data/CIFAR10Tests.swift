import Foundation
import XCTest

@testable import Sprig

final class CIFAR10Tests: XCTestCase {
  var scratch: ScratchFolder!

  override func setUpWithError() throws { scratch = try ScratchFolder() }
  override func tearDown() { scratch.remove() }

  func testWriteThenReadGivesLabelsAndScaledPixels() throws {
    let pixels = randomBytes(3 * 3072, seed: 5)
    let url = scratch.file("batch.bin")
    try CIFAR10.write(pixels: pixels, labels: [2, 0, 9], to: url)
    let data = try CIFAR10.read([url])
    XCTAssertEqual(data.labels, [2, 0, 9])
    XCTAssertEqual(data.features, pixels.map { Float($0) / 255 })
    XCTAssertEqual(data.shape, ImageShape(height: 32, width: 32, channels: 3))
  }

  func testFeaturesAreChannelsFirstPlanes() throws {
    // One image: red plane all 10, green all 20, blue all 30, except pixel (y 1, x 2) = 40, 50, 60.
    var pixels =
      [UInt8](repeating: 10, count: 1024) + [UInt8](repeating: 20, count: 1024) + [UInt8](repeating: 30, count: 1024)
    for (c, value) in [40, 50, 60].enumerated() { pixels[c * 1024 + 1 * 32 + 2] = UInt8(value) }
    let url = scratch.file("one.bin")
    try CIFAR10.write(pixels: pixels, labels: [4], to: url)
    let data = try CIFAR10.read([url])
    for (c, value) in [40, 50, 60].enumerated() {
      XCTAssertEqual(data.features[data.shape.featureIndex(channel: c, y: 1, x: 2)], Float(value) / 255)
      XCTAssertEqual(data.features[data.shape.featureIndex(channel: c, y: 0, x: 0)], Float(10 * (c + 1)) / 255)
    }
  }

  func testSeveralFilesReadInOrderAndLimitStopsEarly() throws {
    let a = scratch.file("a.bin")
    let b = scratch.file("b.bin")
    try CIFAR10.write(pixels: randomBytes(2 * 3072, seed: 1), labels: [1, 2], to: a)
    try CIFAR10.write(pixels: randomBytes(2 * 3072, seed: 2), labels: [3, 4], to: b)
    XCTAssertEqual(try CIFAR10.read([a, b]).labels, [1, 2, 3, 4])
    XCTAssertEqual(try CIFAR10.read([a, b], limit: 3).labels, [1, 2, 3])
  }

  func testReadLabelsSkipsPixels() throws {
    let url = scratch.file("batch.bin")
    try CIFAR10.write(pixels: randomBytes(3 * 3072, seed: 5), labels: [7, 3, 1], to: url)
    XCTAssertEqual(try CIFAR10.readLabels(url), [7, 3, 1])
  }

  func testLabelAboveNineThrowsBadLabel() throws {
    let url = scratch.file("bad-label.bin")
    try CIFAR10.write(pixels: randomBytes(2 * 3072, seed: 5), labels: [3, 12], to: url)
    assertDataError(try CIFAR10.read([url]), naming: "bad-label.bin") {
      if case .badLabel(_, 1, 12, 10) = $0 { return true }
      return false
    }
  }

  func testSizeNotAMultipleOfTheRecordThrowsBadCIFARSize() throws {
    let url = try scratch.write(randomBytes(3073 * 2 + 100, seed: 1, below: 10), to: "odd-size.bin")
    assertDataError(try CIFAR10.read([url]), naming: "odd-size.bin") {
      if case .badCIFARSize(_, 6246) = $0 { return true }
      return false
    }
  }

  func testBadSizeOfALaterFileIsFoundBeforeReadingAny() throws {
    let good = scratch.file("good.bin")
    try CIFAR10.write(pixels: randomBytes(3072, seed: 5), labels: [1], to: good)
    try scratch.write([1, 2, 3], to: "stub.bin")
    assertDataError(try CIFAR10.read([good, scratch.file("stub.bin")], limit: 1), naming: "stub.bin") {
      if case .badCIFARSize(_, 3) = $0 { return true }
      return false
    }
  }

  func testDatasetFolderNestedUnderCifar10IsFound() throws {
    let folder = "cifar10/cifar-10-batches-bin/"
    for (i, file) in (CIFAR10.trainFiles + [CIFAR10.testFile]).enumerated() {
      let url = scratch.file(folder + file)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try CIFAR10.write(pixels: randomBytes(3072, seed: UInt64(i)), labels: [UInt8(i)], to: url)
    }
    let split = try DatasetSplit.load(.cifar10, roots: [scratch.url])
    XCTAssertEqual(split.train.labels, [0, 1, 2, 3, 4])
    XCTAssertEqual(split.test.labels, [5])
    XCTAssertEqual(split.name, "cifar10")
  }
}
