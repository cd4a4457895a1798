import Foundation
import XCTest

@testable import Sprig

final class IDXTests: XCTestCase {
  var scratch: ScratchFolder!

  override func setUpWithError() throws { scratch = try ScratchFolder() }
  override func tearDown() { scratch.remove() }

  /// Five 4×3 images of random bytes, written raw or gzipped.
  func writeImages(_ name: String, count: Int = 5, compressed: Bool = false) throws -> (URL, [UInt8]) {
    let pixels = randomBytes(count * 12, seed: 7)
    let url = scratch.file(name)
    try IDX.writeImages(pixels, count: count, height: 4, width: 3, to: url, compressed: compressed)
    return (url, pixels)
  }

  // MARK: Round trips

  func testRawWriteThenReadGivesBackDimensionsAndBytes() throws {
    let (url, pixels) = try writeImages("images-idx3-ubyte")
    let array = try IDX.read(url, rank: 3)
    XCTAssertEqual(array.dimensions, [5, 4, 3])
    XCTAssertEqual(array.bytes, pixels)
  }

  func testRawFileStartsWithBigEndianImagesMagic() throws {
    let (url, _) = try writeImages("images-idx3-ubyte")
    let bytes = [UInt8](try Data(contentsOf: url))
    XCTAssertEqual(Array(bytes[0..<16]), idxHeader(magic: IDX.imagesMagic, dimensions: [5, 4, 3]))
    XCTAssertEqual(bytes.count, 16 + 60)
  }

  func testGzippedWriteThenReadGivesBackDimensionsAndBytes() throws {
    let (url, pixels) = try writeImages("images-idx3-ubyte.gz", compressed: true)
    XCTAssertEqual(Array(try Data(contentsOf: url).prefix(2)), [0x1F, 0x8B])
    let array = try IDX.read(url, rank: 3)
    XCTAssertEqual(array.dimensions, [5, 4, 3])
    XCTAssertEqual(array.bytes, pixels)
  }

  func testLabelsRoundTrip() throws {
    let url = scratch.file("labels-idx1-ubyte")
    try IDX.writeLabels([3, 1, 4, 1, 5], to: url)
    XCTAssertEqual(try IDX.read(url, rank: 1), IDXArray(dimensions: [5], bytes: [3, 1, 4, 1, 5]))
  }

  func testLimitKeepsTheFirstSamplesOfARawFile() throws {
    let (url, pixels) = try writeImages("images-idx3-ubyte")
    let array = try IDX.read(url, rank: 3, limit: 2)
    XCTAssertEqual(array.dimensions, [2, 4, 3])
    XCTAssertEqual(array.bytes, Array(pixels[0..<24]))
  }

  func testLimitKeepsTheFirstSamplesOfAGzippedFile() throws {
    let (url, pixels) = try writeImages("images-idx3-ubyte.gz", compressed: true)
    let array = try IDX.read(url, rank: 3, limit: 2)
    XCTAssertEqual(array.dimensions, [2, 4, 3])
    XCTAssertEqual(array.bytes, Array(pixels[0..<24]))
  }

  func testConcatenatedGzipMembersReadAsOneStream() throws {
    let file = idxHeader(magic: IDX.imagesMagic, dimensions: [5, 4, 3]) + randomBytes(60, seed: 3)
    let url = try scratch.write(
      Gzip.compress(Array(file[..<30])) + Gzip.compress(Array(file[30...])), to: "two-members.gz")
    XCTAssertEqual(try IDX.read(url, rank: 3).bytes, Array(file[16...]))
  }

  // MARK: Bad headers

  func testWrongMagicThrowsBadMagic() throws {
    let url = try scratch.write([0x12, 0x34, 0x56, 0x78] + [UInt8](repeating: 0, count: 40), to: "not-idx.bin")
    assertDataError(try IDX.read(url, rank: 3), naming: "not-idx.bin") {
      if case .badMagic(_, 0x0803, 0x1234_5678) = $0 { return true }
      return false
    }
  }

  func testLabelFileReadAsImagesThrowsBadMagic() throws {
    let url = scratch.file("train-labels-idx1-ubyte")
    try IDX.writeLabels([1, 2, 3], to: url)
    assertDataError(try IDX.read(url, rank: 3), naming: "train-labels-idx1-ubyte") {
      if case .badMagic(_, IDX.imagesMagic, IDX.labelsMagic) = $0 { return true }
      return false
    }
  }

  func testFloatElementTypeThrowsUnsupportedType() throws {
    let url = try scratch.write(idxHeader(magic: 0x0000_0D01, dimensions: [1]) + [0, 0, 0, 0], to: "floats-idx1")
    assertDataError(try IDX.read(url, rank: 1), naming: "floats-idx1") {
      if case .unsupportedType(_, 0x0D) = $0 { return true }
      return false
    }
  }

  func testFileShorterThanItsHeaderThrowsTruncated() throws {
    let url = try scratch.write([0, 0, 8, 3, 0, 0], to: "stub-idx3")
    assertDataError(try IDX.read(url, rank: 3), naming: "stub-idx3") {
      if case .truncated(_, 16, 6) = $0 { return true }
      return false
    }
  }

  // MARK: Truncated and absurd payloads

  func testTruncatedRawFileThrowsTruncatedWithExpectedAndFoundSizes() throws {
    let (url, _) = try writeImages("cut-idx3-ubyte")
    let bytes = [UInt8](try Data(contentsOf: url))
    try scratch.write(Array(bytes[..<50]), to: "cut-idx3-ubyte")
    assertDataError(try IDX.read(url, rank: 3), naming: "cut-idx3-ubyte") {
      if case .truncated(_, 76, 50) = $0 { return true }
      return false
    }
  }

  func testTruncatedRawFileThrowsEvenWhenTheLimitIsSatisfied() throws {
    let (url, _) = try writeImages("cut-idx3-ubyte")
    let bytes = [UInt8](try Data(contentsOf: url))
    try scratch.write(Array(bytes[..<50]), to: "cut-idx3-ubyte")
    assertDataError(try IDX.read(url, rank: 3, limit: 1), naming: "cut-idx3-ubyte") {
      if case .truncated = $0 { return true }
      return false
    }
  }

  func testCutGzipFileThrowsTruncated() throws {
    let (url, _) = try writeImages("cut.gz", count: 200, compressed: true)
    let bytes = [UInt8](try Data(contentsOf: url))
    try scratch.write(Array(bytes[..<(bytes.count / 2)]), to: "cut.gz")
    assertDataError(try IDX.read(url, rank: 3), naming: "cut.gz") {
      if case .truncated(_, let expected, let found) = $0 { return expected == 16 + 2400 && found < expected }
      return false
    }
  }

  func testCompleteGzipOfAShortIDXThrowsTruncated() throws {
    let file = idxHeader(magic: IDX.imagesMagic, dimensions: [5, 4, 3]) + randomBytes(40, seed: 1)
    let url = try scratch.write(Gzip.compress(file), to: "short.gz")
    assertDataError(try IDX.read(url, rank: 3), naming: "short.gz") {
      if case .truncated(_, 76, 56) = $0 { return true }
      return false
    }
  }

  func testGzipCutJustBeforeItsTrailerThrowsCorruptGzip() throws {
    let (url, _) = try writeImages("no-trailer.gz", compressed: true)
    let bytes = [UInt8](try Data(contentsOf: url))
    try scratch.write(Array(bytes.dropLast(8)), to: "no-trailer.gz")
    assertDataError(try IDX.read(url, rank: 3), naming: "no-trailer.gz") {
      if case .corruptGzip = $0 { return true }
      return false
    }
  }

  func testCorruptDeflateDataThrowsCorruptGzip() throws {
    let (url, _) = try writeImages("corrupt.gz", compressed: true)
    var bytes = [UInt8](try Data(contentsOf: url))
    bytes[10] |= 0b110  // first block type 3, which deflate reserves
    try scratch.write(bytes, to: "corrupt.gz")
    assertDataError(try IDX.read(url, rank: 3), naming: "corrupt.gz") {
      if case .corruptGzip = $0 { return true }
      return false
    }
  }

  func testGzipWithWrongChecksumThrowsCorruptGzip() throws {
    let (url, _) = try writeImages("bad-crc.gz", compressed: true)
    var bytes = [UInt8](try Data(contentsOf: url))
    bytes[bytes.count - 8] ^= 0xFF  // first byte of the CRC-32 in the trailer
    try scratch.write(bytes, to: "bad-crc.gz")
    assertDataError(try IDX.read(url, rank: 3), naming: "bad-crc.gz") {
      if case .corruptGzip(_, let detail) = $0 { return detail.contains("check") }
      return false
    }
  }

  func testAbsurdDimensionsOnATinyRawFileThrowBeforeAllocating() throws {
    let url = try scratch.write(
      idxHeader(magic: IDX.imagesMagic, dimensions: [100_000, 100_000, 100_000]) + [1, 2, 3, 4], to: "absurd-idx3")
    let start = Date()
    assertDataError(try IDX.read(url, rank: 3), naming: "absurd-idx3") {
      if case .absurdDimensions(_, [100_000, 100_000, 100_000], 20) = $0 { return true }
      return false
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 1)
  }

  func testAbsurdDimensionsInAGzipThrowBeforeAllocating() throws {
    let file = idxHeader(magic: IDX.imagesMagic, dimensions: [100_000, 100_000, 100_000]) + [1, 2, 3, 4]
    let url = try scratch.write(Gzip.compress(file), to: "absurd.gz")
    let start = Date()
    assertDataError(try IDX.read(url, rank: 3), naming: "absurd.gz") {
      if case .absurdDimensions = $0 { return true }
      return false
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 1)
  }

  func testDimensionsWhoseProductOverflowsThrowAbsurdDimensions() throws {
    let url = try scratch.write(idxHeader(magic: IDX.imagesMagic, dimensions: [.max, .max, .max]), to: "overflow-idx3")
    assertDataError(try IDX.read(url, rank: 3), naming: "overflow-idx3") {
      if case .absurdDimensions = $0 { return true }
      return false
    }
  }

  func testTwoToThe31SquaredThrowsAbsurdDimensions() throws {
    let url = try scratch.write(idxHeader(magic: IDX.imagesMagic, dimensions: [1 << 31, 1 << 31, 1]), to: "huge-idx3")
    assertDataError(try IDX.read(url, rank: 3), naming: "huge-idx3") {
      if case .absurdDimensions = $0 { return true }
      return false
    }
  }

  func testMissingFileThrowsFileNotFound() {
    let url = scratch.file("nowhere-idx3-ubyte")
    assertDataError(try IDX.read(url, rank: 3), naming: "nowhere-idx3-ubyte") {
      if case .fileNotFound = $0 { return true }
      return false
    }
  }
}
