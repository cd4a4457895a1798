// DataCommandTests: `sprig data list|download|verify` in-process, with the built-in catalogue,
// the real MNIST files (skipped when absent) served by the local mirror server on 127.0.0.1.
import ArgumentParser
import Foundation
import XCTest

@testable import Sprig
@testable import SprigCLI

/// Runs `body` with standard error redirected, and returns what it wrote.
private func capturingStandardError(_ body: () throws -> Void) rethrows -> String {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-stderr-\(UUID())")
  _ = FileManager.default.createFile(atPath: url.path, contents: nil)
  let handle = try! FileHandle(forWritingTo: url)
  fflush(stderr)
  let saved = dup(STDERR_FILENO)
  dup2(handle.fileDescriptor, STDERR_FILENO)
  defer {
    fflush(stderr)
    dup2(saved, STDERR_FILENO)
    close(saved)
    try? handle.close()
    try? FileManager.default.removeItem(at: url)
  }
  try body()
  fflush(stderr)
  return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
}

final class DataCommandTests: XCTestCase {
  var scratch: ScratchFolder!
  /// Where the real MNIST `.gz` files are.
  var realMNIST: URL!
  /// What the server serves: `good/` (the real files), and what a test adds.
  var served: URL!
  var server: MirrorServer!

  override func setUpWithError() throws {
    realMNIST = try requireRealDataset(.mnist)
    let catalogue = DatasetCatalog.entry(for: .mnist)
    for file in catalogue.files where !DataFile.exists(realMNIST.appendingPathComponent(file.name)) {
      throw XCTSkip("\(realMNIST.path) lacks \(file.name): the CLI download test serves the published .gz files")
    }
    scratch = try ScratchFolder()
    served = scratch.url.appendingPathComponent("served", isDirectory: true)
    try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: served.appendingPathComponent("good"), withDestinationURL: realMNIST)
    server = try MirrorServer(serving: served)
  }

  override func tearDown() {
    server?.stop()
    scratch?.remove()
  }

  func run(_ arguments: [String]) throws -> String {
    var command = try SprigCommand.parseAsRoot(arguments)
    return try capturingStandardOutput { try command.run() }
  }

  /// Runs `arguments`, expecting `ExitCode(1)`; returns standard output and standard error.
  func runFailing(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (String, String) {
    var command = try SprigCommand.parseAsRoot(arguments)
    var output = ""
    var thrown: Error?
    let errors = capturingStandardError {
      output = capturingStandardOutput {
        do { try command.run() } catch { thrown = error }
      }
    }
    XCTAssertNotNil(thrown, "\(arguments) succeeded; expected ExitCode(1)", file: file, line: line)
    if let thrown { XCTAssertEqual(thrown as? ExitCode, ExitCode(1), "\(thrown)", file: file, line: line) }
    return (output, errors)
  }

  /// `sprig data download mnist --root ROOT --mirror MIRROR`, progress on standard error discarded.
  func download(into root: URL, from mirror: URL) throws {
    var command = try SprigCommand.parseAsRoot(["data", "download", "mnist", "--root", root.path, "--mirror", mirror.absoluteString])
    _ = try capturingStandardError { try command.run() }
  }

  func testDownloadFromALocalMirrorThenVerifyThenNoticeAOneByteChange() throws {
    let root = scratch.url.appendingPathComponent("root", isDirectory: true)
    let catalogue = DatasetCatalog.entry(for: .mnist)
    try download(into: root, from: server.url(prefix: "good/"))

    // The copies here may be recompressed (shared/datasets' are gzip -9 -n):
    // the download takes them on the catalogue's digests of their contents.
    let folder = root.appendingPathComponent("mnist")
    for file in catalogue.files {
      let installed = folder.appendingPathComponent(file.name)
      XCTAssertEqual(try Data(contentsOf: installed), try Data(contentsOf: realMNIST.appendingPathComponent(file.name)))
      XCTAssertFalse(DataFile.exists(folder.appendingPathComponent(file.name + ".part")))
    }
    XCTAssertTrue(DatasetVerification(of: catalogue, in: folder).isVerified)
    XCTAssertEqual(server.requests().map(\.path), catalogue.files.map { "/good/" + $0.name })

    let verified = try run(["data", "verify", "mnist", "--data-root", root.path])
    XCTAssertTrue(verified.contains("mnist: verified"), verified)

    let damaged = folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
    try flipByte(of: damaged)
    let actual = try FileDigest.sha256(of: damaged)
    let (output, _) = try runFailing(["data", "verify", "mnist", "--data-root", root.path])
    XCTAssertTrue(output.contains("MISMATCH") && output.contains(damaged.path), output)
    XCTAssertTrue(output.contains("expected SHA-256 \(catalogue.files[3].sha256)"), output)
    XCTAssertTrue(output.contains("actual   SHA-256 \(actual)"), output)
    XCTAssertTrue(output.contains("mnist: NOT verified"), output)
  }

  func testDownloadFromAMirrorWithOneByteChangedFailsAndLeavesNoFile() throws {
    // After the local mirror, the catalogue's own (internet) mirrors are tried;
    // with no network they fail at once. Where they resolve, this test would
    // reach the internet: it is skipped instead.
    let catalogue = DatasetCatalog.entry(for: .mnist)
    for mirror in catalogue.mirrors {
      let host = mirror.host ?? ""
      let start = Date()
      let resolves = resolves(host)
      if resolves || Date().timeIntervalSince(start) > 5 {
        throw XCTSkip("\(host) \(resolves ? "resolves" : "takes long to fail"): this test must not reach the internet")
      }
    }
    let bad = served.appendingPathComponent("bad", isDirectory: true)
    try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
    let name = catalogue.files[0].name
    try FileManager.default.copyItem(at: realMNIST.appendingPathComponent(name), to: bad.appendingPathComponent(name))
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: bad.appendingPathComponent(name).path)
    try flipByte(of: bad.appendingPathComponent(name))
    let actual = try FileDigest.sha256(of: bad.appendingPathComponent(name))
    let root = scratch.url.appendingPathComponent("root", isDirectory: true)

    let start = Date()
    XCTAssertThrowsError(try download(into: root, from: server.url(prefix: "bad/"))) { error in
      guard case .allMirrorsFailed(let file, let attempts, _)? = error as? DownloadError else {
        return XCTFail("expected allMirrorsFailed, got \(error)")
      }
      XCTAssertEqual(file, name)
      XCTAssertEqual(
        attempts.first,
        DownloadAttempt(
          url: server.url(prefix: "bad/").appendingPathComponent(name),
          failure: .checksumMismatch(expected: catalogue.files[0].sha256, actual: actual)))
      XCTAssertEqual(attempts.dropFirst().map(\.url), catalogue.mirrors.map { $0.appendingPathComponent(name) })
      XCTAssertTrue("\(error)".contains(actual) && "\(error)".contains(catalogue.files[0].sha256), "\(error)")
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 30, "the catalogue's mirrors took long to fail offline")
    let folder = root.appendingPathComponent("mnist")
    XCTAssertFalse(DataFile.exists(folder.appendingPathComponent(name)))
    XCTAssertFalse(DataFile.exists(folder.appendingPathComponent(name + ".part")))
  }

  func testVerifyOfADatasetNotInstalledExitsNonZeroSayingNotFound() throws {
    let empty = scratch.url.appendingPathComponent("empty", isDirectory: true)
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let (_, errors) = try runFailing(["data", "verify", "kmnist", "--data-root", empty.path])
    XCTAssertTrue(errors.contains("not found"), errors)
    XCTAssertTrue(errors.contains(empty.appendingPathComponent("kmnist").path), errors)
  }

  func testListAsJSONHasOneObjectPerCatalogueEntryWithMNISTVerified() throws {
    let root = scratch.url.appendingPathComponent("root", isDirectory: true)
    try download(into: root, from: server.url(prefix: "good/"))

    let output = try run(["data", "list", "--data-root", root.path, "--json"])
    let objects = try output.split(separator: "\n").map {
      try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    XCTAssertEqual(objects.map { $0["name"] as? String }, DatasetCatalog.all.map(\.name.rawValue))
    for object in objects {
      let isMNIST = object["name"] as? String == "mnist"
      XCTAssertEqual(object["verified"] as? Bool, isMNIST, "\(object)")
      if isMNIST {
        XCTAssertEqual(
          (object["found"] as? String).map { URL(fileURLWithPath: $0).standardizedFileURL.path },
          root.appendingPathComponent("mnist").standardizedFileURL.path)
        let sizes = try DatasetCatalog.entry(for: .mnist).files.map { try DataFile.size(realMNIST.appendingPathComponent($0.name)) }
        XCTAssertEqual(object["bytes"] as? Int, sizes.reduce(0, +))
      } else {
        XCTAssertTrue(object["found"] is NSNull, "\(object)")
      }
    }
  }

  /// Whether `host` has an address (getaddrinfo).
  private func resolves(_ host: String) -> Bool {
    var result: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, "443", nil, &result)
    if let result { freeaddrinfo(result) }
    return status == 0
  }
}
