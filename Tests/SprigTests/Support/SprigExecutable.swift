import Foundation
import XCTest

/// The `sprig` executable beside the test bundle (`swift build` puts both in
/// `.build/debug`), for tests that run it as a separate process; skips when
/// it was not built.
func sprigExecutable() throws -> URL {
  let bundle = Bundle.main.bundleURL
  for candidate in [bundle, bundle.deletingLastPathComponent()] {
    let url = candidate.appendingPathComponent("sprig")
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
  }
  throw XCTSkip("no sprig executable beside \(Bundle.main.bundleURL.path): run `swift build` first")
}
