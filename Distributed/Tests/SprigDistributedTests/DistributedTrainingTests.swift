import Sprig
import XCTest

/// `mpirun -np 2 sprig-mpi train --distributed` on Fashion-MNIST, as a user
/// runs it: accuracy beside one process, the run folder rank 0 writes, a
/// killed rank, and resuming after it.
final class DistributedTrainingTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-mpi-train-\(UUID())")
    guard (try? DataRoots.locate(.fashionMNIST)) != nil else {
      throw XCTSkip("Fashion-MNIST not found (scripts/setup.sh installs dataset-fashion-mnist)")
    }
  }

  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  private let flags = ["train", "--dataset", "fashion-mnist", "--epochs", "2", "--quiet"]

  private func testAccuracy(_ run: URL) throws -> Double {
    let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
    let last = try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as! [String: Any]
    return last["test_accuracy"] as! Double
  }

  func testTwoRanksTrainWithinOnePointOfOneProcessAndEvaluateAlike() throws {
    let together = folder.appendingPathComponent("two-ranks"), alone = folder.appendingPathComponent("one-process")
    let job = try MPIJob(ranks: 2, flags + ["--distributed", "--out", together.path], folder: folder)
    XCTAssertEqual(job.wait(atMost: 600), 0, job.text)
    let single = try MPIJob(ranks: nil, flags + ["--threads", "1", "--out", alone.path], folder: folder)
    XCTAssertEqual(single.wait(atMost: 600), 0, single.text)
    let (a, b) = (try testAccuracy(together), try testAccuracy(alone))
    XCTAssertGreaterThan(a, 0.85)
    XCTAssertEqual(a, b, accuracy: 0.01, "2 ranks \(a), one process \(b)")
    // One run folder, written by rank 0 alone: one line per epoch.
    let files = try FileManager.default.contentsOfDirectory(atPath: together.path).sorted()
    // .lock stays after the run: deleting it could let two runs lock two files.
    XCTAssertEqual(files, [".lock", "metrics.jsonl", "model.safetensors"])
    XCTAssertEqual(try String(contentsOf: together.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n").count, 2)
    let evaluate = try MPIJob(ranks: nil, ["evaluate", together.path], folder: folder)
    XCTAssertEqual(evaluate.wait(atMost: 120), 0, evaluate.text)
    XCTAssertTrue(evaluate.stdout.contains(String(format: "test accuracy %.2f%%", a * 100)), "\(evaluate.stdout) vs \(a)")
  }

  func testKilledRankEndsTheJobAndTheRunResumesToTheUninterruptedCheckpoint() throws {
    let whole = folder.appendingPathComponent("whole"), killed = folder.appendingPathComponent("killed")
    let uninterrupted = try MPIJob(ranks: 2, flags + ["--distributed", "--out", whole.path], folder: folder)
    XCTAssertEqual(uninterrupted.wait(atMost: 600), 0, uninterrupted.text)

    let job = try MPIJob(ranks: 2, flags + ["--distributed", "--out", killed.path], folder: folder)
    let state = killed.appendingPathComponent("resume.safetensors")
    let deadline = Date().addingTimeInterval(600)
    while !FileManager.default.fileExists(atPath: state.path) && job.process.isRunning && Date() < deadline { usleep(10_000) }
    let victims = job.pids(ofRank: 1)
    XCTAssertEqual(victims.count, 1, "rank 1's process")
    XCTAssertTrue(job.process.isRunning, "the job ended before epoch 2")
    let killedAt = Date()
    for pid in victims { kill(pid, SIGKILL) }
    let status = job.wait(atMost: 30)
    XCTAssertLessThan(Date().timeIntervalSince(killedAt), 30)
    XCTAssertNotEqual(status, 0)
    XCTAssertTrue(job.text.contains("rank 1"), "the message names the dead rank: \(job.text)")
    // The last checkpoint is whole, and the run goes on from it.
    let checkpoint = try Checkpoint(contentsOf: killed.appendingPathComponent("model.safetensors"))
    XCTAssertEqual(checkpoint.model.layers.count, try Checkpoint(contentsOf: whole.appendingPathComponent("model.safetensors")).model.layers.count)
    let resumed = try MPIJob(ranks: 2, flags + ["--distributed", "--out", killed.path, "--resume"], folder: folder)
    XCTAssertEqual(resumed.wait(atMost: 600), 0, resumed.text)
    XCTAssertEqual(
      try Data(contentsOf: killed.appendingPathComponent("model.safetensors")),
      try Data(contentsOf: whole.appendingPathComponent("model.safetensors")),
      "the resumed run's checkpoint differs from the uninterrupted run's")
  }

  func testResumingOnAnotherNumberOfRanksIsRefused() throws {
    let run = folder.appendingPathComponent("run")
    let first = try MPIJob(ranks: 2, flags + ["--distributed", "--epochs", "3", "--out", run.path], folder: folder)
    let state = run.appendingPathComponent("resume.safetensors")
    let deadline = Date().addingTimeInterval(600)
    while !FileManager.default.fileExists(atPath: state.path) && first.process.isRunning && Date() < deadline { usleep(10_000) }
    first.process.terminate()
    first.wait(atMost: 60)
    let other = try MPIJob(ranks: 3, flags + ["--distributed", "--epochs", "3", "--out", run.path, "--resume"], folder: folder)
    XCTAssertNotEqual(other.wait(atMost: 120), 0)
    XCTAssertTrue(other.text.contains("was trained on 2 ranks (synchronous); resume it the same way, not on 3 ranks"), other.text)
  }
}
