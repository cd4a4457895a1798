// datasets/README.md's checksum table says what the compiled-in catalogue checks.
import Foundation
import XCTest

@testable import Sprig

final class DatasetsReadmeTests: XCTestCase {
  /// Every 64-hex-digit digest in datasets/README.md.
  func readmeDigests() throws -> Set<String> {
    let readme = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("datasets/README.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    let pattern = try NSRegularExpression(pattern: "`([0-9a-f]{64})`")
    let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
    return Set(matches.map { String(text[Range($0.range(at: 1), in: text)!]) })
  }

  /// Every digest the catalogue checks, downloads and contents.
  func catalogueDigests() -> Set<String> {
    Set(DatasetCatalog.all.flatMap { entry in
      entry.files.flatMap { file -> [String] in
        var digests = [file.sha256] + (file.contentSHA256.map { [$0] } ?? [])
        if case .archive(let members) = file.kind { digests += members.map(\.sha256) }
        return digests
      }
    })
  }

  func testTheReadmeListsExactlyTheCataloguesDigests() throws {
    let readme = try readmeDigests()
    let catalogue = catalogueDigests()
    XCTAssertEqual(catalogue.subtracting(readme), [], "digests checked but not in datasets/README.md")
    XCTAssertEqual(readme.subtracting(catalogue), [], "digests in datasets/README.md that nothing checks")
  }
}
