import Foundation
import XCTest

@testable import Sprig

/// Inputs that made a parser trap or allocate absurdly (scripts/fuzz.sh and
/// docs/fuzzing.md), each now refused with a typed error. Each is also in
/// Fuzz/Corpus/<harness>/ so the fuzzers start from it.
final class FuzzRegressionTests: XCTestCase {
  /// Asserts `body` throws an `E` that `matches` accepts.
  func assertThrows<E: Error, T>(
    _ body: @autoclosure () throws -> T, as _: E.Type, file: StaticString = #filePath, line: UInt = #line,
    _ matches: (E) -> Bool = { _ in true }
  ) {
    do {
      _ = try body()
      XCTFail("expected \(E.self), nothing was thrown", file: file, line: line)
    } catch let error as E {
      XCTAssertTrue(matches(error), "unexpected \(error)", file: file, line: line)
    } catch {
      XCTFail("expected \(E.self), got \(type(of: error)): \(error)", file: file, line: line)
    }
  }

  // MARK: fuzz-idx-raw

  /// fuzz-idx-raw's first find: a zero last dimension let the header pass,
  /// then IDXArray multiplied the other two (0xcccccccc × 0xcccccc04) and overflowed.
  func testAZeroDimensionBesideHugeOnesIsAbsurdNotAnOverflow() throws {
    let crasher: [UInt8] = [
      0x00, 0x00, 0x08, 0x03, 0xCC, 0xCC, 0xCC, 0xCC, 0xCC, 0xCC, 0xCC, 0x04, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0xCC, 0xCC, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
    ]
    for limit in [nil, 1] as [Int?] {
      assertThrows(try crasher.withUnsafeBytes { try IDX.parse($0, rank: 3, limit: limit) }, as: DataError.self) {
        if case .absurdDimensions(_, [0xCCCC_CCCC, 0xCCCC_CC04, 0], 33) = $0 { return true }
        return false
      }
    }
  }

  // MARK: fuzz-checkpoint

  /// A small checkpoint with feature scaling, as `sprig train` writes one.
  func scaledCheckpoint() throws -> SafeTensorsFile {
    let description = ModelDescription(input: .init(features: 4), layers: [.linear(units: 2)])
    let model = try Sequential(description: description, seed: 1)
    let scaling = FeatureScaling(mean: [0, 0, 0, 0], std: [1, 1, 1, 1])
    return try Checkpoint(model: model, scaling: scaling).file()
  }

  /// fuzz-checkpoint's find: a zero (or missing) std reached FeatureScaling's precondition.
  func testAZeroStdIsABadHeaderNotAPreconditionFailure() throws {
    var file = try scaledCheckpoint()
    XCTAssertNoThrow(try Checkpoint(data: try file.serialized(), path: "scaled"))
    file.tensors["input.std"] = Tensor(shape: [4], data: .float32([1, 0, 1, 1]))
    assertThrows(try Checkpoint(data: try file.serialized(), path: "zero-std"), as: SafeTensorsError.self) {
      if case .badHeader("zero-std", _) = $0 { return true }
      return false
    }
    file.tensors["input.std"] = Tensor(shape: [3], data: .float32([1, 1, 1]))
    assertThrows(try Checkpoint(data: try file.serialized(), path: "short-std"), as: SafeTensorsError.self) {
      if case .badHeader("short-std", _) = $0 { return true }
      return false
    }
  }

  /// A first-format checkpoint's layer sizes reached Dropout and the
  /// activations unchecked (found reading the code; a negative size trapped).
  func testLegacyLayerSizesAreCheckedBeforeAllocating() throws {
    for size in [-1, 0, 1 << 40] {
      let file = SafeTensorsFile(
        metadata: ["format": Checkpoint.legacyFormat, "layers": #"[{"type":"dropout","inputs":\#(size),"outputs":\#(size)}]"#])
      assertThrows(try Checkpoint(data: try file.serialized(), path: "legacy"), as: SafeTensorsError.self) {
        if case .badHeader("legacy", let reason) = $0 { return reason.contains("units") }
        return false
      }
    }
  }

  /// fuzz-checkpoint's second find (from the first-format seed): a dropout
  /// rate of 5.5 reached Dropout's precondition.
  func testALegacyDropoutRateOutsideTheUnitIntervalIsABadHeader() throws {
    for rate in ["5.5", "-0.5", "1"] {
      let file = SafeTensorsFile(
        metadata: [
          "format": Checkpoint.legacyFormat,
          "layers": #"[{"type":"dropout","inputs":1,"outputs":2,"rate":\#(rate)}]"#,
        ])
      assertThrows(try Checkpoint(data: try file.serialized(), path: "legacy"), as: SafeTensorsError.self) {
        if case .badHeader("legacy", let reason) = $0 { return reason.contains("rate") }
        return false
      }
    }
  }

  // MARK: fuzz-safetensors (found reading the parser while writing the harness)

  /// Safetensors bytes: the 8-byte little-endian header length, the JSON header, then `body`.
  func safetensors(header: String, body: [UInt8] = [0, 0, 0, 0]) -> Data {
    let json = Array(header.utf8)
    var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
    bytes += json + body
    return Data(bytes)
  }

  func testOffsetsThatOverflowAreTruncatedNotATrap() {
    let data = safetensors(
      header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775807,9223372036854775807]}}"#)
    assertThrows(try SafeTensorsFile(data: data, path: "offsets"), as: SafeTensorsError.self) {
      if case .truncated("offsets", _, _) = $0 { return true }
      return false
    }
  }

  func testAShapeWhoseProductOverflowsIsABadHeader() {
    let data = safetensors(header: #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#)
    assertThrows(try SafeTensorsFile(data: data, path: "shape"), as: SafeTensorsError.self) {
      if case .badHeader("shape", _) = $0 { return true }
      return false
    }
  }

  // MARK: fuzz-matrix-market (found reading the parser)

  /// A 60-byte file whose size line asked for 4 GB of row pointers.
  func testASizeLineBeyondAnyLayerIsRefusedBeforeAllocating() {
    let file = Array("%%MatrixMarket matrix coordinate pattern general\n1000000000 1 0\n".utf8)
    assertThrows(try MatrixMarket.parse(file, file: "rows.mtx"), as: TopologyError.self) {
      if case .matrixMarket("rows.mtx", 2, _) = $0 { return true }
      return false
    }
  }

  /// An entry count of two billion reserved 24 GB before the first entry was read;
  /// the reservation is now bounded by the file's size, and the file ends short.
  func testAHugeEntryCountReservesOnlyWhatTheFileCanHold() {
    let file = Array("%%MatrixMarket matrix coordinate pattern general\n100000 100000 2000000000\n1 1\n".utf8)
    assertThrows(try MatrixMarket.parse(file, file: "count.mtx"), as: TopologyError.self) {
      if case .matrixMarket("count.mtx", _, let reason) = $0 { return reason.contains("ends after 1") }
      return false
    }
  }

  // MARK: fuzz-model-description (found reading the builder)

  func build(_ json: String) throws -> Sequential {
    // The builder's own checks, not the memory estimate's (MemoryEstimateTests).
    try Sequential(
      description: try ModelDescription(json: Data(json.utf8), source: "fuzz.json"), seed: 0, source: "fuzz.json",
      memoryLimit: .unchecked)
  }

  func testAbsurdLayerSizesAreADescriptionErrorNotAnAllocation() {
    let huge = #"{"format":"sprig-model","version":1,"loss":"softmax-cross-entropy","input":{"features":100000},"layers":[{"type":"linear","units":100000}]}"#
    assertThrows(try build(huge), as: ModelDescriptionError.self) { "\($0)".contains("weights") }
    let wide = #"{"format":"sprig-model","version":1,"loss":"softmax-cross-entropy","input":{"features":4},"layers":[{"type":"linear","units":4611686018427387904}]}"#
    assertThrows(try build(wide), as: ModelDescriptionError.self) { "\($0)".contains("units") }
  }

  func testANonPositiveInputIsADescriptionError() {
    for input in [#"{"features":-3}"#, #"{"features":0}"#, #"{"features":4,"image":{"height":-2,"width":2,"channels":1}}"#] {
      let json = #"{"format":"sprig-model","version":1,"loss":"softmax-cross-entropy","input":"# + input + #","layers":[{"type":"linear","units":2}]}"#
      assertThrows(try build(json), as: ModelDescriptionError.self) { "\($0)".contains("input") }
    }
  }

  // MARK: fuzz-http-response (found reading the download code)

  /// A 206 whose Content-Length plus the bytes held overflows: the length is
  /// then unknown (the SHA-256 still decides) instead of a trap mid-download.
  func testAContentLengthThatOverflowsIsUnknown() {
    let start = HTTPFetch.ResponseStart(status: 206, contentLength: .max, held: 10)
    XCTAssertEqual(start, HTTPFetch.ResponseStart(status: 206, contentLength: -1, held: 10))
    XCTAssertEqual(HTTPFetch.ResponseStart(status: 206, contentLength: 90, held: 10).total, 100)
    XCTAssertEqual(HTTPFetch.ResponseStart(status: 200, contentLength: 90, held: 10).total, 90)
    XCTAssertFalse(HTTPFetch.ResponseStart(status: 416, contentLength: 0, held: 10).accepted)
  }

  /// fuzz-model-description's find in CI: a valid pool window larger than the
  /// image reached WindowGeometry's precondition through the memory estimate.
  func testAPoolLargerThanItsImageIsADescriptionErrorInTheMemoryEstimate() {
    let json = #"{"format":"sprig-model","version":1,"loss":"softmax-cross-entropy","input":{"features":3,"image":{"height":1,"width":3,"channels":1}},"layers":[{"type":"avg_pool2d"},{"type":"flatten"},{"type":"linear","units":3}]}"#
    assertThrows(try MemoryEstimate(description: try ModelDescription(json: Data(json.utf8), source: "fuzz.json")), as: ModelDescriptionError.self) {
      "\($0)".contains("larger than")
    }
  }
}
