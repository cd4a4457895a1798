import ArgumentParser
import Foundation
import XCTest
@testable import Sprig
@testable import SprigCLI

/// What headless Chromium made of one page: the DOM after its scripts ran,
/// the console messages it logged, and a screenshot of the window.
struct BrowserPage {
  var dom: String
  var consoleMessages: [String]
  var screenshot: PNGImage
  /// Chromium's whole stderr, for failure messages.
  var log: String
}

struct BrowserError: Error, CustomStringConvertible {
  var description: String
}

/// Debian's `chromium`, run headless on local files.
struct HeadlessChromium {
  static let windowSize = (width: 1200, height: 2000)
  static let missing = "chromium not installed: apt-get install chromium (scripts/setup.sh --test installs it)"

  var executable: String

  /// `$SPRIG_CHROMIUM` when set (a test hook, and a way to use another
  /// build), else `chromium` on PATH, else /usr/bin/chromium; skips the
  /// test when there is none.
  static func find() throws -> HeadlessChromium {
    let environment = ProcessInfo.processInfo.environment
    let files = FileManager.default
    if let chosen = environment["SPRIG_CHROMIUM"], !chosen.isEmpty {
      guard files.isExecutableFile(atPath: chosen) else { throw XCTSkip("\(missing) (SPRIG_CHROMIUM=\(chosen) is not an executable)") }
      return HeadlessChromium(executable: chosen)
    }
    let path = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/chromium" }
    guard let found = (path + ["/usr/bin/chromium"]).first(where: { files.isExecutableFile(atPath: $0) }) else { throw XCTSkip(missing) }
    return HeadlessChromium(executable: found)
  }

  /// Opens `page` once with a private profile in `folder`, dumping the DOM
  /// and taking a screenshot; kills Chromium after `timeout` seconds.
  func render(_ page: URL, in folder: URL, timeout: TimeInterval = 60) throws -> BrowserPage {
    let run = folder.appendingPathComponent("chromium-\(UUID())")
    try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
    let shot = run.appendingPathComponent("shot.png")
    let stdoutURL = run.appendingPathComponent("dom.html"), stderrURL = run.appendingPathComponent("stderr.txt")
    for url in [stdoutURL, stderrURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
    // Files rather than pipes: a large DOM cannot fill a pipe and stall Chromium.
    let out = try FileHandle(forWritingTo: stdoutURL), err = try FileHandle(forWritingTo: stderrURL)
    defer {
      try? out.close()
      try? err.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
      "--no-first-run", "--disable-component-update",
      "--window-size=\(Self.windowSize.width),\(Self.windowSize.height)",
      "--user-data-dir=\(run.appendingPathComponent("profile").path)",
      "--enable-logging=stderr", "--v=0",
      "--screenshot=\(shot.path)", "--dump-dom", page.absoluteString,
    ]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    func rawLog() -> String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    // Without a D-Bus (containers), Chromium logs dozens of harmless dbus errors; messages leave them out.
    func log() -> String {
      rawLog().split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("dbus") }.joined(separator: "\n")
    }
    if finished.wait(timeout: .now() + timeout) == .timedOut {
      process.terminate()
      if finished.wait(timeout: .now() + 5) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        finished.wait()
      }
      throw BrowserError(description: "chromium did not finish within \(Int(timeout)) s on \(page.path); killed it. Its log:\n\(log())")
    }
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      throw BrowserError(description: "chromium failed (status \(process.terminationStatus)) on \(page.path). Its log:\n\(log())")
    }
    let text = log()
    // A page that does not load (missing file) still exits 0, with this line and no screenshot.
    if let failed = text.split(separator: "\n").first(where: { $0.contains("Page load failed") }) {
      throw BrowserError(description: "chromium could not load \(page.path): \(failed)")
    }
    guard FileManager.default.fileExists(atPath: shot.path) else { throw BrowserError(description: "chromium wrote no screenshot. Its log:\n\(text)") }
    return BrowserPage(
      dom: try String(contentsOf: stdoutURL, encoding: .utf8), consoleMessages: Self.consoleMessages(in: rawLog()),
      screenshot: try PNGImage(contentsOf: shot), log: text)
  }

  /// The console messages in Chromium's `--enable-logging=stderr` output.
  ///
  /// Chromium 156 logs each as one INFO line, whatever its level
  /// (`console.log`, `console.error` and uncaught exceptions look alike):
  ///
  ///     [8168:8168:1207/024425.478830:INFO:CONSOLE:2] "deliberate console error", source: file:///tmp/cx/err.html (2)
  ///
  /// Older versions wrote `CONSOLE(2)]`; both are matched. Since the level
  /// is not shown, every message counts (a report has no scripts, so
  /// anything logged comes from the page failing).
  static func consoleMessages(in log: String) -> [String] {
    log.split(whereSeparator: \.isNewline).compactMap { line in
      guard let tag = line.range(of: ":CONSOLE"), let close = line[tag.upperBound...].firstIndex(of: "]") else { return nil }
      let between = line[tag.upperBound..<close]
      guard between.first == ":" || between.first == "(" else { return nil }
      return line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
    }
  }
}

/// An element of an SVG in a DOM dump: its tag and attributes.
struct SVGElement {
  var name: String
  var attributes: [String: String]

  func number(_ key: String, default value: Double? = nil) -> Double? { attributes[key].flatMap { Double($0) } ?? value }
}

enum DOMScan {
  // Chromium serialises attributes as name="value", with & and " escaped.
  static let svgBlock = try! NSRegularExpression(pattern: "<svg\\b.*?</svg>", options: [.dotMatchesLineSeparators, .caseInsensitive])
  static let tag = try! NSRegularExpression(pattern: "<([A-Za-z][A-Za-z0-9:-]*)((?:\\s+[^\\s=>/]+(?:=\"[^\"]*\")?)*)\\s*/?>")
  static let attribute = try! NSRegularExpression(pattern: "([^\\s=>/]+)=\"([^\"]*)\"")
  static let title = try! NSRegularExpression(pattern: "<text[^>]*font-weight=\"bold\"[^>]*>([^<]*)</text>")

  static func strings(_ regex: NSRegularExpression, in text: String) -> [[String]] {
    let ns = text as NSString
    return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
      (0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
    }
  }

  /// Each `<svg>…</svg>` of `dom` (SVGPlot never nests them).
  static func svgs(in dom: String) -> [String] { strings(svgBlock, in: dom).map { $0[0] } }

  /// The elements of one SVG, in document order.
  static func elements(of svg: String) -> [SVGElement] {
    strings(tag, in: svg).map { m in
      SVGElement(name: m[1].lowercased(), attributes: Dictionary(strings(attribute, in: m[2]).map { ($0[1], $0[2]) }, uniquingKeysWith: { a, _ in a }))
    }
  }

  static func title(of svg: String) -> String { strings(title, in: svg).first?[1] ?? "untitled plot" }

  /// The elements that draw data, as SVGPlot writes them: a path with a
  /// non-empty `d`; a polyline of at least two finite points; a circle of
  /// positive radius; a filled rect of positive area that is not the
  /// white background, the unfilled frame or a legend swatch (the swatch
  /// is the one rect followed by its label's text). All coordinates finite.
  static func marks(in elements: [SVGElement]) -> [SVGElement] {
    elements.indices.compactMap { i in
      let e = elements[i]
      func finite(_ keys: [String], default value: Double? = nil) -> Bool { keys.allSatisfy { e.number($0, default: value)?.isFinite ?? false } }
      switch e.name {
      case "path":
        return (e.attributes["d"] ?? "").contains(where: { !$0.isWhitespace }) ? e : nil
      case "polyline", "polygon":
        let numbers = (e.attributes["points"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map { Double($0) }
        return numbers.count >= 4 && numbers.allSatisfy({ $0?.isFinite ?? false }) ? e : nil
      case "circle":
        return finite(["cx", "cy"], default: 0) && (e.number("r") ?? 0) > 0 && finite(["r"]) ? e : nil
      case "rect":
        let fill = (e.attributes["fill"] ?? "black").lowercased()
        let swatch = i + 1 < elements.count && elements[i + 1].name == "text"
        guard finite(["x", "y"], default: 0), finite(["width", "height"]), (e.number("width") ?? 0) > 0, (e.number("height") ?? 0) > 0,
          !["none", "white", "#fff", "#ffffff", "transparent"].contains(fill), !swatch
        else { return nil }
        return e
      default:
        return nil
      }
    }
  }
}

/// How much a screenshot shows: its colours and how much differs from the background.
struct ScreenshotContent {
  var distinctColours: Int
  /// The share of pixels not of the most common colour.
  var nonBackgroundFraction: Double
  var colours: [UInt32: Int]

  init(_ image: PNGImage) {
    colours = image.colourCounts()
    distinctColours = colours.count
    let background = colours.values.max() ?? 0
    nonBackgroundFraction = 1 - Double(background) / Double(max(image.width * image.height, 1))
  }

  /// At least 16 colours (text, grid and series colours, antialiasing) and
  /// 3% of the pixels off the background: a blank or single-colour page has
  /// one colour and none off it.
  var isBlank: Bool { distinctColours < 16 || nonBackgroundFraction < 0.03 }

  /// Pixels of exactly `hex` (#RRGGBB), opaque.
  func pixels(of hex: String) -> Int {
    guard let rgb = UInt32(hex.dropFirst(), radix: 16) else { return 0 }
    return colours[rgb << 8 | 0xFF] ?? 0
  }

  var summary: String { "\(distinctColours) colours, \(String(format: "%.1f", nonBackgroundFraction * 100))% off the background" }
}

/// The HTML report of `sprig analyze`, opened in headless Chromium.
final class ReportBrowserTests: XCTestCase {
  struct RenderedReport {
    var report: TopologyReport
    var html: String
    var page: BrowserPage
  }

  static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-browser-\(UUID())")
  /// The report is trained, written and rendered once for the whole class.
  static var rendered: Result<RenderedReport, Error>?

  override class func tearDown() {
    try? FileManager.default.removeItem(at: folder)
    super.tearDown()
  }

  /// A three-epoch run with per-epoch degrees on 4×5 "images" (so the
  /// report has a heat map), analysed by `sprig analyze`, then rendered.
  static func renderReport(with chromium: HeadlessChromium) throws -> RenderedReport {
    let runURL = folder.appendingPathComponent("run"), out = folder.appendingPathComponent("report")
    let run = try RunDirectory(url: runURL, scaling: nil, info: ["dataset": "blobs", "image_shape": "4x5x1"])
    var options = smallOptions(epochs: 3)
    options.degreeRecordingPeriod = 1
    let model = try MLPConfiguration(inputSize: 20, hiddenSizes: [200, 200], outputSize: 3, epsilon: 5).makeModel(seed: 0)
    try Trainer(model: model, options: options, run: run).fit(blobSplit())
    var analyze = try SprigCommand.parseAsRoot(["analyze", runURL.path, "--out", out.path, "--resamples", "5", "--seed", "1"])
    let printed = try capturingStandardOutput { try analyze.run() }
    let page = out.appendingPathComponent("report.html")
    guard printed.contains(page.path) else { throw BrowserError(description: "sprig analyze did not name its report: \(printed)") }
    let report = try JSONDecoder().decode(TopologyReport.self, from: Data(contentsOf: out.appendingPathComponent("report.json")))
    return RenderedReport(report: report, html: try String(contentsOf: page, encoding: .utf8), page: try chromium.render(page, in: folder))
  }

  func renderedReport() throws -> RenderedReport {
    let chromium = try HeadlessChromium.find()
    if let rendered = Self.rendered { return try rendered.get() }
    let result = Result { try Self.renderReport(with: chromium) }
    Self.rendered = result
    return try result.get()
  }

  /// Renders a hand-written page (for checking the checks).
  func render(html: String) throws -> BrowserPage {
    let chromium = try HeadlessChromium.find()
    let page = Self.folder.appendingPathComponent("page-\(UUID()).html")
    try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
    try html.write(to: page, atomically: true, encoding: .utf8)
    return try chromium.render(page, in: Self.folder)
  }

  /// The plots TopologyReport.html draws: per layer two CCDFs, two
  /// histograms, a heat map per image channel, and four per-epoch curves
  /// when more than one epoch was recorded.
  static func expectedPlotCount(_ report: TopologyReport) -> Int {
    report.layers.reduce(0) { count, l in
      let epochs = Set(report.epochs.filter { $0.layer == l.layer }.map(\.epoch))
      return count + 2 + 2 + (l.imageShape?.channels ?? 0) + (epochs.count > 1 ? 4 : 0)
    }
  }

  func testReportRendersWithoutConsoleErrors() throws {
    let page = try renderedReport().page
    XCTAssertEqual(page.consoleMessages, [], "the report logged to the console")
  }

  func testConsoleCheckCatchesAPageWithErrors() throws {
    let page = try render(html: """
      <!DOCTYPE html><html><head><title>broken</title></head><body><p>broken</p>
      <script>console.error("deliberate console error");</script>
      <script>throw new Error("deliberate exception");</script>
      </body></html>
      """)
    XCTAssertEqual(page.consoleMessages.count, 2, page.log)
    XCTAssertTrue(page.consoleMessages.contains { $0.contains("deliberate console error") }, "\(page.consoleMessages)")
    XCTAssertTrue(page.consoleMessages.contains { $0.contains("Uncaught Error: deliberate exception") }, "\(page.consoleMessages)")
  }

  func testRenderingAMissingPageFails() throws {
    let chromium = try HeadlessChromium.find()
    XCTAssertThrowsError(try chromium.render(Self.folder.appendingPathComponent("no-such-report.html"), in: Self.folder)) { error in
      XCTAssertTrue("\(error)".contains("ERR_FILE_NOT_FOUND"), "\(error)")
    }
  }

  func testReportSVGPlotsAreInTheDOMWithNonEmptyPaths() throws {
    let rendered = try renderedReport()
    let svgs = DOMScan.svgs(in: rendered.page.dom)
    let expected = Self.expectedPlotCount(rendered.report)
    XCTAssertGreaterThan(expected, 0)
    XCTAssertEqual(DOMScan.svgs(in: rendered.html).count, expected, "report.html")
    XCTAssertEqual(svgs.count, expected, "SVG plots in the rendered DOM")
    for svg in svgs {
      let elements = DOMScan.elements(of: svg)
      XCTAssertEqual(elements.first?.name, "svg")
      XCTAssertFalse(DOMScan.marks(in: elements).isEmpty, "\(DOMScan.title(of: svg)): no data marks in the DOM")
    }
  }

  func testMarkCheckFindsNoneInAnEmptyPlot() throws {
    // A plot with nothing to draw keeps its background, frame and legend swatch.
    let empty = SVGPlot.chart(
      title: "empty", xLabel: "x", yLabel: "y", series: [SVGPlot.Series(name: "nothing", points: [(1, .nan)], color: SVGPlot.palette[0])])
    XCTAssertEqual(DOMScan.marks(in: DOMScan.elements(of: empty)).count, 0, empty)
    let line = SVGPlot.chart(
      title: "line", xLabel: "x", yLabel: "y", series: [SVGPlot.Series(name: "line", points: [(1, 1), (2, 3)], color: SVGPlot.palette[0])])
    XCTAssertEqual(DOMScan.marks(in: DOMScan.elements(of: line)).map(\.name), ["polyline"], line)
  }

  func testReportScreenshotIsNotBlank() throws {
    let shot = try renderedReport().page.screenshot
    XCTAssertEqual(shot.width, HeadlessChromium.windowSize.width)
    XCTAssertEqual(shot.height, HeadlessChromium.windowSize.height)
    let content = ScreenshotContent(shot)
    XCTAssertFalse(content.isBlank, content.summary)
    // The plots themselves were painted: observed points and last-epoch bars in their series colours.
    for colour in SVGPlot.palette.prefix(2) {
      XCTAssertGreaterThan(content.pixels(of: colour), 50, "no \(colour) pixels: \(content.summary)")
    }
  }

  func testBlankCheckCatchesASingleColourPage() throws {
    let page = try render(html: "<!DOCTYPE html><html><body style=\"margin:0;background:#0c2238\"></body></html>")
    let content = ScreenshotContent(page.screenshot)
    XCTAssertEqual(content.colours, [0x0C22_38FF: page.screenshot.width * page.screenshot.height], content.summary)
    XCTAssertTrue(content.isBlank, content.summary)
  }
}
