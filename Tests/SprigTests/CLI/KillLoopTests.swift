import XCTest

/// The short form of `scripts/kill-loop.sh` for CI: five SIGKILLs at seeded
/// random moments, a resume after each, and the final checkpoint byte for
/// byte that of a run never killed. Skips when Fashion-MNIST is missing.
final class KillLoopTests: XCTestCase {
  func testFiveKillsAndResumesEndAtTheUninterruptedCheckpoint() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let script = root.appendingPathComponent("scripts/kill-loop.sh")
    guard FileManager.default.isExecutableFile(atPath: script.path) else { throw XCTSkip("no \(script.path)") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script.path, "5", "--seed", "3", "--sprig", try sprigExecutable().path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus == 77 { throw XCTSkip(output) }
    XCTAssertEqual(process.terminationStatus, 0, output)
    XCTAssertTrue(output.contains("kill-loop: kills 5 "), output)
    XCTAssertTrue(output.contains("identical to the uninterrupted run's"), output)
  }
}
