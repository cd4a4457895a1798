import XCTest
@testable import Sprig

/// `sprig train` on a disk that fills up mid-run: it stops with a message
/// saying so and naming the epoch kept, leaves that checkpoint loadable and
/// no temporary file, and `--resume` finishes once space is freed.
final class FullDiskRunTests: XCTestCase {
  func testARunOnAFullDiskStopsKeepingItsLastCheckpointAndResumesLater() throws {
    let disk = try SmallDisk(megabytes: 64)
    defer { disk.unmount() }
    let data = try writeTinyIDXDataset(
      in: FileManager.default.temporaryDirectory.appendingPathComponent("sprig-full-data-\(UUID())"), train: 3000, test: 200)
    let run = disk.url.appendingPathComponent("run")
    let flags = ["train"] + data + ["--hidden", "512,512", "--epochs", "3", "--threads", "1", "--quiet", "--out", run.path]
    let process = Process()
    process.executableURL = try sprigExecutable()
    process.arguments = flags
    let pipe = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = pipe
    try process.run()
    let state = run.appendingPathComponent("resume.safetensors")
    let deadline = Date().addingTimeInterval(120)
    while !FileManager.default.fileExists(atPath: state.path) && process.isRunning && Date() < deadline { usleep(2_000) }
    XCTAssertTrue(process.isRunning, "the run ended before the disk could be filled")
    let filler = disk.url.appendingPathComponent("filler")
    FileManager.default.createFile(atPath: filler.path, contents: nil)
    let handle = try FileHandle(forWritingTo: filler)
    let chunk = Data(repeating: 0, count: 1 << 20)
    while (try? handle.write(contentsOf: chunk)) != nil {}
    try? handle.close()
    let message = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertNotEqual(process.terminationStatus, 0, "the run went on with a full disk")
    XCTAssertTrue(message.contains("the disk is full"), message)
    XCTAssertTrue(message.contains("checkpoint of epoch 1"), message)
    XCTAssertTrue(message.contains("--resume"), message)
    XCTAssertEqual(try Checkpoint(contentsOf: run.appendingPathComponent("model.safetensors")).info["epoch"], "1")
    let names = try FileManager.default.contentsOfDirectory(atPath: run.path)
    XCTAssertFalse(names.contains { $0.contains(DurableFile.temporaryMarker) }, "temporary file left: \(names)")

    try FileManager.default.removeItem(at: filler)
    let resumed = Process()
    resumed.executableURL = try sprigExecutable()
    resumed.arguments = flags + ["--resume"]
    resumed.standardOutput = FileHandle.nullDevice
    resumed.standardError = FileHandle.nullDevice
    try resumed.run()
    resumed.waitUntilExit()
    XCTAssertEqual(resumed.terminationStatus, 0)
    XCTAssertEqual(try JSONLines.read(EpochMetrics.self, from: run.appendingPathComponent("metrics.jsonl")).map(\.epoch), [1, 2, 3])
  }
}
