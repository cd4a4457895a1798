import Foundation
import XCTest

/// `mpirun --allow-run-as-root --oversubscribe -np N sprig-mpi …`, with its
/// output in files (a pipe that fills up would stall the ranks).
final class MPIJob {
  let process = Process()
  let output: URL
  let errors: URL

  /// The package's own debug build of sprig-mpi (`swift build --build-tests`
  /// builds it beside the tests).
  static func executable() throws -> URL {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = root.appendingPathComponent(".build/debug/sprig-mpi")
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
      throw XCTSkip("no \(url.path): run `swift build --package-path Distributed` first")
    }
    return url
  }

  static func mpirun() throws -> URL {
    for path in ["/usr/bin/mpirun", "/usr/local/bin/mpirun"] where FileManager.default.isExecutableFile(atPath: path) {
      return URL(fileURLWithPath: path)
    }
    throw XCTSkip("no mpirun: scripts/setup.sh installs openmpi-bin")
  }

  /// Starts `sprig-mpi arguments` on `ranks` ranks (nil: alone, without mpirun).
  init(ranks: Int?, _ arguments: [String], folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let tag = UUID().uuidString.prefix(8)
    output = folder.appendingPathComponent("job-\(tag).out")
    errors = folder.appendingPathComponent("job-\(tag).err")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    if let ranks {
      process.executableURL = try Self.mpirun()
      process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), try Self.executable().path] + arguments
    } else {
      process.executableURL = try Self.executable()
      process.arguments = arguments
    }
    process.standardOutput = try FileHandle(forWritingTo: output)
    process.standardError = try FileHandle(forWritingTo: errors)
    try process.run()
  }

  /// Waits at most `seconds`; kills the job and fails if it takes longer.
  @discardableResult
  func wait(atMost seconds: Double, file: StaticString = #filePath, line: UInt = #line) -> Int32 {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
      XCTFail("the job ran past \(seconds) s: \(text)", file: file, line: line)
    }
    process.waitUntilExit()
    return process.terminationStatus
  }

  var stdout: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
  var stderr: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }
  var text: String { stdout + stderr }

  /// The process ids of this job's rank `rank` (found by the rank variable
  /// Open MPI sets in each rank's environment).
  func pids(ofRank rank: Int) -> [Int32] {
    let executable = (try? Self.executable().path) ?? "sprig-mpi"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
      guard let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8), command.hasPrefix(executable),
        let environment = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
      else { return false }
      return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=\(rank)" }
    }
  }
}
