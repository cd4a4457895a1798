import Foundation
import XCTest
@testable import Sprig
#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Collects elements carrying `data-json` while checking the document is well-formed XML.
final class DataJSONCollector: NSObject, XMLParserDelegate {
  var cells: [(path: String, text: String)] = []
  private var current: String?
  private var text = ""
  func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
    if let path = attributes["data-json"] {
      current = path
      text = ""
    }
  }
  func parser(_ parser: XMLParser, foundCharacters string: String) { if current != nil { text += string } }
  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if let path = current {
      cells.append((path, text))
      current = nil
    }
  }
}

final class TopologyReportTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-report-\(UUID())")
    let run = try RunDirectory(url: folder.appendingPathComponent("run"), scaling: nil, info: ["dataset": "blobs", "image_shape": "4x5x1"])
    var options = smallOptions(epochs: 3)
    options.degreeRecordingPeriod = 1
    let model = try MLPConfiguration(inputSize: 20, hiddenSizes: [200, 200], outputSize: 3, epsilon: 5).makeModel(seed: 0)
    try Trainer(model: model, options: options, run: run).fit(blobSplit())
  }

  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  func writeReport() throws -> (TopologyReport, URL) {
    let out = folder.appendingPathComponent("report")
    let report = try TopologyReport.write(AnalysisSource(url: folder.appendingPathComponent("run")), to: out, resamples: 5, seed: 1)
    return (report, out)
  }

  func testRecordingWritesOneLinePerEpochPlusTheStart() throws {
    let lines = try String(contentsOf: folder.appendingPathComponent("run/degrees.jsonl"), encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.count, 4)
    let first = try JSONDecoder().decode(DegreeRecord.self, from: Data(lines[0].utf8))
    XCTAssertEqual(first.epoch, 0)
    XCTAssertEqual(first.layers.first?.inDegrees.reduce(0, +), first.layers.first?.connections)
  }

  /// `sprig analyze` on a run killed mid-append: the torn record is
  /// dropped, not a crash; a damaged record before the last is an error.
  func testATornLastDegreeRecordIsDroppedAndAMiddleOneIsAnError() throws {
    let degrees = folder.appendingPathComponent("run/degrees.jsonl")
    let whole = try Data(contentsOf: degrees)
    try (whole + Data("{\"epoch\":4,\"layers\":[{\"in".utf8)).write(to: degrees)
    XCTAssertEqual(try AnalysisSource(url: folder.appendingPathComponent("run")).records.map(\.epoch), [0, 1, 2, 3])
    try (Data("{\"epoch\":0,\"lay\n".utf8) + whole).write(to: degrees)
    XCTAssertThrowsError(try AnalysisSource(url: folder.appendingPathComponent("run"))) { error in
      XCTAssertTrue("\(error)".contains("degrees.jsonl: line 1 is not a valid record"), "\(error)")
    }
  }

  func testReportJSONDecodesToTheSameReport() throws {
    let (report, out) = try writeReport()
    let decoded = try JSONDecoder().decode(TopologyReport.self, from: Data(contentsOf: out.appendingPathComponent("report.json")))
    XCTAssertEqual(decoded, report)
    XCTAssertEqual(report.layers.count, 2)
    XCTAssertEqual(report.epochs.count, 4 * 2 * 2)  // epochs 0–3, two layers, in and out
  }

  func testHTMLIsWellFormedAndShowsTheJSONNumbers() throws {
    let (_, out) = try writeReport()
    let data = try Data(contentsOf: out.appendingPathComponent("report.html"))
    let parser = XMLParser(data: data)
    let collector = DataJSONCollector()
    parser.delegate = collector
    XCTAssertTrue(parser.parse(), "report.html is not well-formed: \(String(describing: parser.parserError))")
    XCTAssertGreaterThan(collector.cells.count, 20)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json")))
    for cell in collector.cells {
      var node: Any? = json
      for key in cell.path.split(separator: ".") {
        if let i = Int(key), let array = node as? [Any] { node = array[i] } else { node = (node as? [String: Any])?[String(key)] }
      }
      let integerKeys: Set<Substring> = ["x_min", "maximum", "zero_degree_count", "tail_count"]
      let expected: String
      if let n = node as? NSNumber {
        expected = integerKeys.contains(cell.path.split(separator: ".").last!) ? String(n.intValue) : TopologyReport.show(n.doubleValue)
      } else {
        expected = "–"
      }
      XCTAssertEqual(cell.text, expected, cell.path)
    }
  }

  func testEverySVGPlotIsWellFormed() throws {
    let (report, _) = try writeReport()
    let records = try AnalysisSource(url: folder.appendingPathComponent("run")).records
    let html = report.html(records: records)
    var svgs = 0
    var rest = html[...]
    while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
      let svg = String(rest[start.lowerBound..<end.upperBound])
      XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), "malformed SVG")
      svgs += 1
      rest = rest[end.upperBound...]
    }
    // Per layer: 2 CCDFs, 2 histograms, 4 per-epoch curves; the first layer adds a heat map.
    XCTAssertEqual(svgs, 2 * 8 + 1)
  }

  func testMatrixMarketFilesHoldEveryConnection() throws {
    let (report, out) = try writeReport()
    for l in report.layers {
      let text = try String(contentsOf: out.appendingPathComponent("layer\(l.layer).mtx"), encoding: .utf8)
      let lines = text.split(separator: "\n")
      XCTAssertEqual(lines[0], "%%MatrixMarket matrix coordinate real general")
      XCTAssertEqual(lines[2], "\(l.outputs) \(l.inputs) \(l.connections)")
      XCTAssertEqual(lines.count, 3 + l.connections)
    }
  }

  func testMissingSourceSaysWhatToPass() {
    XCTAssertThrowsError(try AnalysisSource(url: folder.appendingPathComponent("nothing"))) { error in
      XCTAssertTrue("\(error)".contains("--record-degrees"))
    }
  }
}
