import ArgumentParser
import XCTest
@testable import Sprig
@testable import SprigCLI

/// Runs `body` with standard output redirected, and returns what it printed.
func capturingStandardOutput(_ body: () throws -> Void) rethrows -> String {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-stdout-\(UUID())")
  _ = FileManager.default.createFile(atPath: url.path, contents: nil)
  let handle = try! FileHandle(forWritingTo: url)
  fflush(stdout)
  let saved = dup(STDOUT_FILENO)
  dup2(handle.fileDescriptor, STDOUT_FILENO)
  defer {
    fflush(stdout)
    dup2(saved, STDOUT_FILENO)
    close(saved)
    try? handle.close()
    try? FileManager.default.removeItem(at: url)
  }
  try body()
  fflush(stdout)
  return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
}

/// A tiny IDX dataset on disk: 12×12 images, class = which half is bright.
func writeTinyIDXDataset(in folder: URL, train: Int = 300, test: Int = 100) throws -> [String] {
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  var g = SeededGenerator(seed: 42)
  func make(_ n: Int, _ stem: String) throws -> [String] {
    var pixels: [UInt8] = [], labels: [UInt8] = []
    for _ in 0..<n {
      let label = UInt8(g.nextInt(below: 2))
      for _ in 0..<12 {
        for x in 0..<12 {
          let bright = (x < 6) == (label == 1)
          pixels.append(UInt8(g.nextInt(below: 100) + (bright ? 120 : 0)))
        }
      }
      labels.append(label)
    }
    let images = folder.appendingPathComponent("\(stem)-images-idx3-ubyte")
    let labelFile = folder.appendingPathComponent("\(stem)-labels-idx1-ubyte")
    try IDX.writeImages(pixels, count: n, height: 12, width: 12, to: images, compressed: false)
    try IDX.writeLabels(labels, to: labelFile, compressed: false)
    return [images.path, labelFile.path]
  }
  let a = try make(train, "train"), b = try make(test, "test")
  return ["--train-images", a[0], "--train-labels", a[1], "--test-images", b[0], "--test-labels", b[1]]
}

final class CLITests: XCTestCase {
  var folder: URL!

  override func setUp() {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-cli-\(UUID())")
  }

  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  func testTrainThenEvaluateReportsTheSameAccuracy() throws {
    let data = try writeTinyIDXDataset(in: folder.appendingPathComponent("data"))
    let run = folder.appendingPathComponent("run")
    var train = try SprigCommand.parseAsRoot(
      ["train"] + data + ["--hidden", "32,16", "--epsilon", "4", "--epochs", "2", "--out", run.path, "--quiet"])
    let trainOutput = try capturingStandardOutput { try train.run() }
    XCTAssertTrue(trainOutput.contains("final test accuracy"), trainOutput)
    let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.count, 2)
    let last = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
    let trained = last["test_accuracy"] as! Double

    var evaluate = try SprigCommand.parseAsRoot(["evaluate", run.path] + data + ["--json"])
    let json = try capturingStandardOutput { try evaluate.run() }
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    XCTAssertEqual(object["test_accuracy"] as? Double, trained)
    XCTAssertGreaterThan(trained, 0.9)
  }

  func testResumingAFinishedRunSaysThereIsNothingToResume() throws {
    let data = try writeTinyIDXDataset(in: folder.appendingPathComponent("data"))
    let run = folder.appendingPathComponent("run")
    let flags = data + ["--hidden", "16", "--epsilon", "4", "--epochs", "1", "--out", run.path, "--quiet"]
    var train = try SprigCommand.parseAsRoot(["train"] + flags)
    _ = try capturingStandardOutput { try train.run() }
    var again = try SprigCommand.parseAsRoot(["train"] + flags + ["--resume"])
    XCTAssertThrowsError(try again.run()) { error in
      XCTAssertTrue("\(error)".contains("holds a finished run"), "\(error)")
    }
  }

  /// A run killed before its first resume state: `--resume` starts it over
  /// rather than failing, so a kill at any moment can be resumed.
  func testResumingARunStoppedBeforeItsFirstEpochStartsOver() throws {
    let data = try writeTinyIDXDataset(in: folder.appendingPathComponent("data"))
    let run = folder.appendingPathComponent("run")
    try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
    try Data("{\"epoch\":1,\"tr".utf8).write(to: run.appendingPathComponent("metrics.jsonl"))
    let flags = data + ["--hidden", "16", "--epsilon", "4", "--epochs", "2", "--out", run.path, "--quiet", "--resume"]
    var train = try SprigCommand.parseAsRoot(["train"] + flags)
    _ = try capturingStandardOutput { try train.run() }
    let lines = try JSONLines.read(EpochMetrics.self, from: run.appendingPathComponent("metrics.jsonl"))
    XCTAssertEqual(lines.map(\.epoch), [1, 2])
    XCTAssertEqual(try Checkpoint(contentsOf: run.appendingPathComponent("model.safetensors")).info["epoch"], "2")
  }

  func testAugmentIsRecordedInTheRunsOptions() throws {
    let data = try writeTinyIDXDataset(in: folder.appendingPathComponent("data"))
    let run = folder.appendingPathComponent("run")
    var train = try SprigCommand.parseAsRoot(
      ["train"] + data + ["--hidden", "16", "--epsilon", "4", "--epochs", "1", "--augment", "--out", run.path, "--quiet"])
    _ = try capturingStandardOutput { try train.run() }
    let options = try Checkpoint(contentsOf: run.appendingPathComponent("model.safetensors")).info["options"] ?? ""
    XCTAssertTrue(options.contains("\"maxShift\":1"), options)  // 10 % of 12 pixels, rounded
  }

  func testResumeNeedsTheRunFolder() throws {
    var train = try SprigCommand.parseAsRoot(["train", "--resume", "--quiet"])
    XCTAssertThrowsError(try train.run()) { error in
      XCTAssertTrue("\(error)".contains("--out"), "\(error)")
    }
  }

  func testUnknownOptionIsRejectedWithItsName() {
    XCTAssertThrowsError(try SprigCommand.parseAsRoot(["train", "--learning-rat", "0.1"])) { error in
      XCTAssertTrue(SprigCommand.message(for: error).contains("learning-rat"))
    }
  }

  func testBadHiddenSizesAreRejected() {
    XCTAssertThrowsError(try SprigCommand.parseAsRoot(["train", "--hidden", "100,abc"]))
  }

  func testMissingIDXFileIsNamedInTheError() throws {
    var train = try SprigCommand.parseAsRoot(
      ["train", "--train-images", "/nonexistent/a", "--train-labels", "/nonexistent/b", "--test-images", "/nonexistent/c",
       "--test-labels", "/nonexistent/d", "--quiet"])
    XCTAssertThrowsError(try train.run()) { error in
      XCTAssertTrue("\(error)".contains("/nonexistent/"), "\(error)")
      XCTAssertTrue("\(error)".contains("not found"), "\(error)")
    }
  }

  func testInspectRunsOneLayerOnCSVInput() throws {
    let data = try writeTinyIDXDataset(in: folder.appendingPathComponent("data"), train: 64, test: 32)
    let run = folder.appendingPathComponent("run")
    var train = try SprigCommand.parseAsRoot(
      ["train"] + data + ["--hidden", "8", "--epsilon", "2", "--epochs", "1", "--out", run.path, "--quiet"])
    _ = try capturingStandardOutput { try train.run() }
    let input = folder.appendingPathComponent("x.csv")
    try (String(repeating: "0.5,", count: 143) + "0.5\n").write(to: input, atomically: true, encoding: .utf8)
    var inspect = try SprigCommand.parseAsRoot(["inspect", run.path, "--layer", "0", "--input", input.path])
    let out = try capturingStandardOutput { try inspect.run() }
    let values = out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Float($0) }
    XCTAssertEqual(values.count, 8)
    let checkpoint = try Checkpoint(contentsOf: run.appendingPathComponent("model.safetensors"))
    let x = Matrix(rows: 144, columns: 1, repeating: 0.5)
    XCTAssertEqual(values, Array(checkpoint.model.layers[0].forward(x, training: false).elements))
  }
}
