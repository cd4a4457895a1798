import XCTest
@testable import Sprig

/// One run writes a folder at a time: a second is refused at once, naming
/// the first; a lock whose holder died is taken over.
final class RunFolderLockTests: XCTestCase {
  var folder: URL!

  override func setUp() {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-lock-\(UUID())")
  }

  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  func testASecondRunDirectoryOnTheFolderIsRefusedUntilTheFirstIsReleased() throws {
    let url = folder.appendingPathComponent("run")
    var first: RunDirectory? = try RunDirectory(url: url, scaling: nil)
    try first!.append(
      EpochMetrics(
        epoch: 1, trainLoss: 1, trainAccuracy: 0, testLoss: 1, testAccuracy: 0, epochSeconds: 1, rewireSeconds: 0,
        samplesPerSecond: 1, connections: [], learningRate: 0.1))
    XCTAssertThrowsError(try RunDirectory(url: url, scaling: nil)) { error in
      guard case .locked(let path, let pid, _, let alive)? = error as? RunDirectoryError else { return XCTFail("\(error)") }
      XCTAssertEqual(path, url.path)
      XCTAssertEqual(pid, getpid())
      XCTAssertTrue(alive)
      XCTAssertTrue("\(error)".contains("PID \(getpid())"), "\(error)")
    }
    // Refused before touching anything: the first run's log is whole.
    XCTAssertEqual(try JSONLines.read(EpochMetrics.self, from: url.appendingPathComponent("metrics.jsonl")).count, 1)
    withExtendedLifetime(first) {}
    first = nil
    XCTAssertNoThrow(try RunDirectory(url: url, scaling: nil))
  }

  private func start(_ arguments: [String], stderr: Pipe? = nil) throws -> Process {
    let process = Process()
    process.executableURL = try sprigExecutable()
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = stderr ?? FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Waits until `process` holds the lock of `run` (its PID is in `.lock`).
  private func waitForLock(_ run: URL, by process: Process) {
    let deadline = Date().addingTimeInterval(120)
    let lock = run.appendingPathComponent(".lock")
    while Date() < deadline && process.isRunning {
      if let text = try? String(contentsOf: lock, encoding: .utf8), text.hasPrefix("\(process.processIdentifier) ") { return }
      usleep(5_000)
    }
  }

  private func flags(_ run: URL, epochs: Int) throws -> [String] {
    let data = try writeTinyIDXDataset(in: folder.appendingPathComponent("data"), train: 3000, test: 200)
    return ["train"] + data + ["--hidden", "512,512", "--epochs", String(epochs), "--threads", "1", "--quiet", "--out", run.path]
  }

  func testASecondTrainOnTheFolderFailsFastNamingTheFirstAndLeavesItIntact() throws {
    let run = folder.appendingPathComponent("run")
    let arguments = try flags(run, epochs: 4)
    let first = try start(arguments)
    waitForLock(run, by: first)
    XCTAssertTrue(first.isRunning, "the first run ended before a second could start")
    for extra in [[], ["--resume"]] {
      let pipe = Pipe()
      let began = Date()
      let second = try start(arguments + extra, stderr: pipe)
      let message = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      second.waitUntilExit()
      XCTAssertNotEqual(second.terminationStatus, 0, "a second run \(extra) on a locked folder succeeded")
      XCTAssertLessThan(Date().timeIntervalSince(began), 5, "the second run did not fail fast")
      XCTAssertTrue(message.contains("PID \(first.processIdentifier)") && message.contains("alive"), message)
    }
    first.waitUntilExit()
    XCTAssertEqual(first.terminationStatus, 0)
    XCTAssertEqual(try JSONLines.read(EpochMetrics.self, from: run.appendingPathComponent("metrics.jsonl")).map(\.epoch), [1, 2, 3, 4])
    XCTAssertEqual(try Checkpoint(contentsOf: run.appendingPathComponent("model.safetensors")).info["epoch"], "4")
  }

  func testALockWhoseHolderWasKilledIsTakenOver() throws {
    let run = folder.appendingPathComponent("run")
    let arguments = try flags(run, epochs: 2)
    let victim = try start(arguments)
    waitForLock(run, by: victim)
    kill(victim.processIdentifier, SIGKILL)
    victim.waitUntilExit()
    XCTAssertEqual(victim.terminationReason, .uncaughtSignal)
    let next = try start(arguments + ["--resume"])
    next.waitUntilExit()
    XCTAssertEqual(next.terminationStatus, 0)
    let holder = try String(contentsOf: run.appendingPathComponent(".lock"), encoding: .utf8)
    XCTAssertTrue(holder.hasPrefix("\(next.processIdentifier) "), "the dead holder's PID was not overwritten: \(holder)")
    XCTAssertEqual(try Checkpoint(contentsOf: run.appendingPathComponent("model.safetensors")).info["epoch"], "2")
  }
}
