import XCTest
@testable import Sprig
@testable import SprigCLI

/// A run killed with SIGKILL and finished with `--resume` ends with the
/// checkpoint an uninterrupted run writes, byte for byte — for models other
/// than MLPs too. Runs the built `sprig` executable as a separate process.
final class KilledRunTests: XCTestCase {
  var folder: URL!

  override func setUp() {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-killed-\(UUID())")
  }

  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  private func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = try sprigExecutable()
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  private func metricLines(_ run: URL) -> Int {
    let text = (try? String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").count
  }

  private func killedAndResumedEqualsUninterrupted(model: String, epochs: Int, extra: [String] = []) throws {
    let data = try writeTinyIDXDataset(in: folder.appendingPathComponent("data"), train: 1500, test: 100)
    let flags =
      ["train", "--model", model] + data + ["--epochs", String(epochs), "--batch-size", "16", "--threads", "1", "--quiet"] + extra
    let whole = folder.appendingPathComponent("whole"), killed = folder.appendingPathComponent("killed")

    let uninterrupted = try start(flags + ["--out", whole.path])
    uninterrupted.waitUntilExit()
    XCTAssertEqual(uninterrupted.terminationStatus, 0)

    let victim = try start(flags + ["--out", killed.path])
    let deadline = Date().addingTimeInterval(600)
    let state = killed.appendingPathComponent("resume.safetensors")
    while !FileManager.default.fileExists(atPath: state.path) && victim.isRunning && Date() < deadline { usleep(2_000) }
    XCTAssertTrue(victim.isRunning, "the run ended before it could be killed in epoch 2")
    kill(victim.processIdentifier, SIGKILL)
    victim.waitUntilExit()
    XCTAssertEqual(victim.terminationReason, .uncaughtSignal)
    XCTAssertLessThan(metricLines(killed), epochs, "killed before the last epoch ended")

    let resumed = try start(flags + ["--out", killed.path, "--resume"])
    resumed.waitUntilExit()
    XCTAssertEqual(resumed.terminationStatus, 0)
    let a = try Data(contentsOf: whole.appendingPathComponent("model.safetensors"))
    let b = try Data(contentsOf: killed.appendingPathComponent("model.safetensors"))
    XCTAssertEqual(a, b, "\(model): the resumed run's checkpoint differs from the uninterrupted run's")
    XCTAssertEqual(metricLines(killed), epochs)
  }

  func testKilledCNNResumesToTheUninterruptedCheckpoint() throws {
    try killedAndResumedEqualsUninterrupted(model: "set-cnn", epochs: 3)
  }

  func testKilledLSTMResumesToTheUninterruptedCheckpoint() throws {
    try killedAndResumedEqualsUninterrupted(model: "sparse-lstm", epochs: 3)
  }

  func testKilledPersistentCDRBMResumesToTheUninterruptedCheckpoint() throws {
    // PCD: the chains are state of their own, kept in the resume file.
    var description = try ModelName.setRBM.description(shape: ImageShape(height: 12, width: 12), classes: 2)
    description.loss = "pcd-1"
    let file = folder.appendingPathComponent("pcd-rbm.json")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try description.json().write(to: file)
    try killedAndResumedEqualsUninterrupted(model: file.path, epochs: 3, extra: ["--ais-runs", "10", "--ais-steps", "50"])
  }

  func testKilledVAEResumesToTheUninterruptedCheckpoint() throws {
    try killedAndResumedEqualsUninterrupted(model: "set-vae", epochs: 3)
  }

  func testKilledGANResumesToTheUninterruptedCheckpoint() throws {
    try killedAndResumedEqualsUninterrupted(model: "set-gan", epochs: 3)
  }

  func testKilledSiameseResumesToTheUninterruptedCheckpoint() throws {
    try killedAndResumedEqualsUninterrupted(model: "set-siamese", epochs: 3)
  }
}
