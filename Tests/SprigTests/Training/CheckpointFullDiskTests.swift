import XCTest
@testable import Sprig

/// A checkpoint that cannot be written (full disk, I/O error) keeps the
/// previous one loadable, leaves no temp file, and says what to do.
final class CheckpointFullDiskTests: XCTestCase {
  override func tearDown() { DurableFile.faultInjection = nil }

  private func model() throws -> Sequential {
    try MLPConfiguration(inputSize: 64, hiddenSizes: [256], outputSize: 10, activation: .relu, epsilon: 20).makeModel(seed: 1)
  }

  private func metrics(epoch: Int) -> EpochMetrics {
    EpochMetrics(
      epoch: epoch, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.5, epochSeconds: 1, rewireSeconds: 0,
      samplesPerSecond: 1, connections: [], learningRate: 0.01)
  }

  private func saveEpoch1(_ run: RunDirectory, _ model: Sequential) throws {
    try run.writeCheckpoint(model: model, metrics: metrics(epoch: 1))
    try run.writeResumeState(ResumeState(model: model, optimizerSteps: 1, history: [metrics(epoch: 1)]), epoch: 1)
  }

  private func assertKeptEpoch1(_ run: RunDirectory, _ error: Error, diskFull: Bool = true) {
    guard case .checkpointNotWritten(let folder, let cause, let epoch, _)? = error as? RunDirectoryError else {
      return XCTFail("not a checkpoint error: \(error)")
    }
    XCTAssertEqual(folder, run.url.path)
    XCTAssertEqual(epoch, 1)
    XCTAssertEqual(cause.isDiskFull, diskFull)
    let message = "\(error)"
    if diskFull { XCTAssertTrue(message.contains("the disk is full"), message) }
    XCTAssertTrue(message.contains("checkpoint of epoch 1 (model.safetensors)"), message)
    XCTAssertTrue(message.contains("resume state of epoch 1"), message)
    XCTAssertTrue(message.contains("--resume to continue after epoch 1"), message)
    XCTAssertEqual(try Checkpoint(contentsOf: run.checkpointURL).info["epoch"], "1")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: run.url.path)) ?? []
    XCTAssertFalse(names.contains { $0.contains(DurableFile.temporaryMarker) }, "temporary file left: \(names)")
  }

  func testAFailedCheckpointWriteKeepsThePreviousCheckpoint() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-full-\(UUID())")
    defer { try? FileManager.default.removeItem(at: url) }
    let run = try RunDirectory(url: url, scaling: nil)
    let model = try model()
    try saveEpoch1(run, model)
    for code in [ENOSPC, EIO] {
      DurableFile.faultInjection = { step, path in step == .write && path.hasSuffix("model.safetensors") ? code : nil }
      XCTAssertThrowsError(try run.writeCheckpoint(model: model, metrics: metrics(epoch: 2))) {
        assertKeptEpoch1(run, $0, diskFull: code == ENOSPC)
      }
    }
  }

  /// The same on a real 2 MiB tmpfs, filled up after the first checkpoint.
  func testACheckpointOnARealFullDiskKeepsThePreviousCheckpoint() throws {
    let disk = try SmallDisk(megabytes: 2)
    defer { disk.unmount() }
    let run = try RunDirectory(url: disk.url.appendingPathComponent("run"), scaling: nil)
    let model = try model()
    try saveEpoch1(run, model)
    let size = try Data(contentsOf: run.checkpointURL).count
    // Leave less room than one more checkpoint needs beside the kept one.
    let free = try FileManager.default.attributesOfFileSystem(forPath: disk.url.path)[.systemFreeSize] as! Int
    try Data(repeating: 0, count: max(0, free - size / 2)).write(to: disk.url.appendingPathComponent("filler"))
    XCTAssertThrowsError(try run.writeCheckpoint(model: model, metrics: metrics(epoch: 2))) { assertKeptEpoch1(run, $0) }
  }
}
