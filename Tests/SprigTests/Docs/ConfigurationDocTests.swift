import Foundation
import XCTest

/// The project's rule "no undocumented environment variables", checked: every
/// `SPRIG_…` variable the library, the CLI or sprig-bench reads by name has
/// a row in docs/configuration.md.
final class ConfigurationDocTests: XCTestCase {
  // <repo>/Tests/SprigTests/Docs/ConfigurationDocTests.swift → <repo>
  let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The variables read as `getenv("SPRIG_…")` or `environment["SPRIG_…"]`
  /// in the sources under `folders`, with the file that reads each.
  func variablesRead(under folders: [String]) throws -> [String: String] {
    let pattern = try NSRegularExpression(pattern: #"(?:getenv\(|environment\[)"(SPRIG_[A-Z0-9_]+)""#)
    var found: [String: String] = [:]
    for folder in folders {
      let root = repository.appendingPathComponent(folder)
      let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
      while let file = files?.nextObject() as? URL {
        guard ["swift", "c", "h"].contains(file.pathExtension), let text = try? String(contentsOf: file, encoding: .utf8)
        else { continue }
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
          found[String(text[Range(match.range(at: 1), in: text)!])] = file.lastPathComponent
        }
      }
    }
    return found
  }

  func testEveryEnvironmentVariableReadHasARowInTheConfigurationPage() throws {
    let page = try String(contentsOf: repository.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
    let read = try variablesRead(under: ["Sources", "Benchmarks"])
    XCTAssertTrue(read.keys.contains("SPRIG_THREADS"), "the scan finds what Parallel.swift reads: \(read)")
    for (name, file) in read.sorted(by: { $0.key < $1.key }) {
      XCTAssertTrue(page.contains("| `\(name)`"), "\(file) reads \(name), which docs/configuration.md does not list")
    }
  }
}
