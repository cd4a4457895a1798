import XCTest
@testable import Sprig

/// A durable write replaces the file completely or not at all: any step
/// failing (a full disk above all) leaves the earlier file and no temp file.
final class DurableFileTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-durable-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDown() {
    DurableFile.faultInjection = nil
    try? FileManager.default.removeItem(at: folder)
  }

  private func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() }

  func testWriteReplacesTheFileAndLeavesNoTemporary() throws {
    let file = folder.appendingPathComponent("a.bin")
    try DurableFile.write(Data("old".utf8), to: file)
    try DurableFile.write(Data("new contents".utf8), to: file)
    XCTAssertEqual(try Data(contentsOf: file), Data("new contents".utf8))
    XCTAssertEqual(try contents(), ["a.bin"])
  }

  func testEveryFailingStepKeepsTheEarlierFileAndRemovesTheTemporary() throws {
    let file = folder.appendingPathComponent("model.safetensors")
    try DurableFile.write(Data("epoch 1".utf8), to: file)
    for step: DurableFile.Step in [.create, .write, .sync, .close, .rename] {
      DurableFile.faultInjection = { s, _ in s == step ? ENOSPC : nil }
      XCTAssertThrowsError(try DurableFile.write(Data(repeating: 7, count: 100_000), to: file), "\(step)") { error in
        let e = error as? DurableFileError
        XCTAssertEqual(e?.step, step)
        XCTAssertEqual(e?.isDiskFull, true)
        XCTAssertEqual(e?.keptPrevious, true)
        XCTAssertTrue("\(error)".contains("the disk is full"), "\(error)")
        XCTAssertTrue("\(error)".contains("earlier model.safetensors was kept intact"), "\(error)")
      }
      XCTAssertEqual(try Data(contentsOf: file), Data("epoch 1".utf8), "\(step)")
      XCTAssertEqual(try contents(), ["model.safetensors"], "\(step) left a temporary file")
    }
  }

  func testAnInputOutputErrorIsNamedAsSuch() throws {
    DurableFile.faultInjection = { s, _ in s == .sync ? EIO : nil }
    XCTAssertThrowsError(try DurableFile.write(Data("x".utf8), to: folder.appendingPathComponent("b"))) { error in
      XCTAssertTrue("\(error)".contains("input/output error"), "\(error)")
      XCTAssertTrue("\(error)".contains("no earlier b"), "\(error)")
    }
    XCTAssertEqual(try contents(), [])
  }

  func testAppendAddsWholeLines() throws {
    let log = folder.appendingPathComponent("metrics.jsonl")
    try DurableFile.append(Data("1\n".utf8), to: log)
    try DurableFile.append(Data("2\n".utf8), to: log)
    XCTAssertEqual(try String(contentsOf: log, encoding: .utf8), "1\n2\n")
  }

  /// A real full disk: a 1 MiB tmpfs. Needs root (or CAP_SYS_ADMIN); skips
  /// where mounting is not permitted, as in most containers.
  func testARealFullDiskKeepsTheEarlierFile() throws {
    let disk = try SmallDisk(megabytes: 1)
    defer { disk.unmount() }
    let file = disk.url.appendingPathComponent("model.safetensors")
    try DurableFile.write(Data(repeating: 1, count: 300_000), to: file)
    XCTAssertThrowsError(try DurableFile.write(Data(repeating: 2, count: 900_000), to: file)) { error in
      XCTAssertEqual((error as? DurableFileError)?.isDiskFull, true, "\(error)")
    }
    XCTAssertEqual(try Data(contentsOf: file), Data(repeating: 1, count: 300_000))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk.url.path), ["model.safetensors"])
  }
}
