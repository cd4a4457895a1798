import XCTest
@testable import Sprig

/// A crash can only tear a log's last line: that one is dropped with a
/// warning; a bad line before it is damage, reported with its number.
final class JSONLinesTests: XCTestCase {
  struct Row: Codable, Equatable { var epoch: Int }
  var warnings: [String] = []

  override func setUp() { JSONLines.warn = { [unowned self] in self.warnings.append($0) } }
  override func tearDown() { JSONLines.warn = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) } }

  private func rows(_ text: String) throws -> [Row] {
    try JSONLines.decode(Row.self, from: Data(text.utf8), path: "R/metrics.jsonl")
  }

  func testWholeLinesAreRead() throws {
    XCTAssertEqual(try rows("{\"epoch\":1}\n{\"epoch\":2}\n"), [Row(epoch: 1), Row(epoch: 2)])
    XCTAssertEqual(try rows(""), [])
    XCTAssertEqual(warnings, [])
  }

  func testALastLineWithoutNewlineIsDroppedWithAWarning() throws {
    XCTAssertEqual(try rows("{\"epoch\":1}\n{\"epo"), [Row(epoch: 1)])
    // Even valid JSON: with no newline the write may have been cut before it.
    XCTAssertEqual(try rows("{\"epoch\":1}\n{\"epoch\":2}"), [Row(epoch: 1)])
    XCTAssertEqual(warnings.count, 2)
    XCTAssertTrue(warnings[0].contains("R/metrics.jsonl") && warnings[0].contains("line 2"), warnings[0])
  }

  func testAnInvalidLastLineIsDroppedWithAWarning() throws {
    XCTAssertEqual(try rows("{\"epoch\":1}\n{\"ep\n"), [Row(epoch: 1)])
    XCTAssertEqual(warnings.count, 1)
  }

  func testABadLineInTheMiddleIsATypedErrorNamingFileAndLine() throws {
    XCTAssertThrowsError(try rows("{\"epoch\":1}\n{\"ep\n{\"epoch\":3}\n")) { error in
      XCTAssertEqual((error as? RunDirectoryError).map { if case .damagedLog(let p, let l, _) = $0 { return "\(p):\(l)" } else { return "" } }, "R/metrics.jsonl:2")
      XCTAssertTrue("\(error)".contains("line 2"), "\(error)")
    }
  }

  /// A resumed run drops a torn degree record (and records of epochs it
  /// trains again) instead of failing to start.
  func testResumingDropsATornDegreeRecord() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-torn-\(UUID())")
    defer { try? FileManager.default.removeItem(at: url) }
    let model = try MLPConfiguration(inputSize: 8, hiddenSizes: [8], outputSize: 2, activation: .relu, epsilon: 3).makeModel(seed: 1)
    do {
      let run = try RunDirectory(url: url, scaling: nil)
      for epoch in 1...3 { try run.append(DegreeRecord(epoch: epoch, model: model)) }
    }
    let handle = try FileHandle(forWritingTo: url.appendingPathComponent("degrees.jsonl"))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"epoch\":4,\"lay".utf8))
    try handle.close()
    let history = (1...2).map {
      EpochMetrics(
        epoch: $0, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.5, epochSeconds: 1, rewireSeconds: 0,
        samplesPerSecond: 1, connections: [], learningRate: 0.01)
    }
    let run = try RunDirectory(url: url, scaling: nil, resuming: true)
    try run.replaceMetrics(with: history)
    XCTAssertEqual(try JSONLines.read(DegreeRecord.self, from: run.degreesURL).map(\.epoch), [1, 2])
    XCTAssertEqual(try JSONLines.read(EpochMetrics.self, from: run.metricsURL).map(\.epoch), [1, 2])
    XCTAssertEqual(warnings.count, 1)
  }
}
