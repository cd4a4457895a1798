// DatasetDownloaderTests: downloads from a real HTTP server on 127.0.0.1 (Fixtures/mirror_server.py),
// of tiny datasets whose catalogue entries the tests write; no test touches the internet.
import Foundation
import XCTest

@testable import Sprig

// MARK: Fixtures shared by the data download and verification tests

/// A tiny MNIST-shaped dataset: four gzipped IDX files (28×28 random
/// pixels, 200 train and 100 test images: tens of KB) and their catalogue records.
enum TinyMNIST {
  static let trainCount = 200
  static let testCount = 100
  /// The four file names, in the catalogue's order.
  static let fileNames = IDXFiles.names.map { $0 + ".gz" }
  static var trainImages: String { fileNames[0] }

  /// The files of seed 7 and their records, made once per test run.
  private static let cache = Result { () throws -> ([Data], [RemoteFile]) in
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sprig-tiny-mnist-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = try make(in: folder, seed: 7)
    return (try fileNames.map { try Data(contentsOf: folder.appendingPathComponent($0)) }, files)
  }

  /// Writes the four `.gz` files into `folder` and returns their records:
  /// SHA-256 of each `.gz` and of its IDX bytes.
  static func write(into folder: URL) throws -> [RemoteFile] {
    let (contents, files) = try cache.get()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, data) in zip(fileNames, contents) { try data.write(to: folder.appendingPathComponent(name)) }
    return files
  }

  /// Makes the four `.gz` files in `folder` with `IDX.write…(compressed: true)`.
  static func make(in folder: URL, seed: UInt64) throws -> [RemoteFile] {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (index, (stem, count)) in [("train", trainCount), ("t10k", testCount)].enumerated() {
      let s = seed &* 10 &+ UInt64(index)
      // Pixels below 4, so that gzip shrinks 784 bytes an image to about 200.
      try IDX.writeImages(
        randomBytes(count * 784, seed: s, below: 4), count: count, height: 28, width: 28,
        to: folder.appendingPathComponent("\(stem)-images-idx3-ubyte.gz"), compressed: true)
      try IDX.writeLabels(
        randomBytes(count, seed: s &+ 100, below: 10),
        to: folder.appendingPathComponent("\(stem)-labels-idx1-ubyte.gz"), compressed: true)
    }
    return try fileNames.map { try record(of: folder.appendingPathComponent($0)) }
  }

  /// The catalogue record of a `.gz` file on disk.
  static func record(of url: URL, withContentDigest: Bool = true) throws -> RemoteFile {
    RemoteFile(
      name: url.lastPathComponent, bytes: try DataFile.size(url), sha256: try FileDigest.sha256(of: url),
      contentSHA256: withContentDigest ? try FileDigest.sha256OfDecompressed(url) : nil)
  }

  /// A catalogue entry for `.mnist` made of `files`, fetched only from `mirrors`.
  static func entry(_ files: [RemoteFile], mirrors: [URL]) -> DatasetEntry {
    DatasetEntry(
      name: .mnist, title: "Tiny MNIST", homepage: "http://127.0.0.1/", folder: "mnist", mirrors: mirrors, files: files)
  }

  /// The same IDX bytes as the `.gz` file at `url`, gzipped anew at `level`.
  static func recompressed(_ url: URL, rank: Int, level: Int32) throws -> [UInt8] {
    let array = try IDX.read(url, rank: rank)
    let raw =
      idxHeader(magic: rank == 3 ? IDX.imagesMagic : IDX.labelsMagic, dimensions: array.dimensions.map(UInt32.init))
      + array.bytes
    return Gzip.compress(raw, level: level)
  }
}

/// Inverts the byte at `offset` of `url` (the middle of the file by default).
func flipByte(of url: URL, at offset: Int? = nil) throws {
  var data = try Data(contentsOf: url)
  let index = offset ?? data.count / 2
  data[index] ^= 0xFF
  try data.write(to: url)
}

/// Copies every regular file of `source` into `destination` (created).
func copyFolder(_ source: URL, to destination: URL) throws {
  try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
  for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
    try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: destination.appendingPathComponent(name))
  }
}

/// The events of a download, recorded from whichever thread reports them.
final class DownloadEventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [DownloadEvent] = []

  func record(_ event: DownloadEvent) {
    lock.lock()
    list.append(event)
    lock.unlock()
  }

  var events: [DownloadEvent] {
    lock.lock()
    defer { lock.unlock() }
    return list
  }

  /// The failed tries, in order.
  var failures: [DownloadAttempt] { events.compactMap { if case .failed(let a) = $0 { return a } else { return nil } } }
  /// The GETs begun: file, URL, and the bytes the `.part` already held.
  var starts: [(file: String, url: URL, resumingAt: Int)] {
    events.compactMap { if case .started(let f, let u, let r) = $0 { return (f, u, r) } else { return nil } }
  }
  /// The files verified, with their size and the bytes fetched for them in this run.
  var verified: [(file: String, bytes: Int, fetched: Int)] {
    events.compactMap { if case .verified(let f, let b, let fetched, _) = $0 { return (f, b, fetched) } else { return nil } }
  }
  /// The files found already installed.
  var alreadyInstalled: [String] {
    events.compactMap { if case .alreadyInstalled(let f) = $0 { return f } else { return nil } }
  }
  /// Events in a short form, for failure messages and order checks.
  var summary: [String] {
    events.compactMap {
      switch $0 {
      case .alreadyInstalled(let f): return "installed \(f)"
      case .started(let f, let u, let r): return "start \(f) \(u.absoluteString) @\(r)"
      case .received: return nil
      case .verified(let f, _, _, _): return "verified \(f)"
      case .failed(let a): return "failed \(a)"
      case .unpacking(let f): return "unpack \(f)"
      }
    }
  }
}

// MARK: Tests

final class DatasetDownloaderTests: XCTestCase {
  var scratch: ScratchFolder!
  /// What the server serves; `good/` holds the published files.
  var served: URL!
  var good: URL!
  /// The data root downloads go into (not created beforehand).
  var root: URL!
  var files: [RemoteFile]!
  var server: MirrorServer!
  var log: DownloadEventLog!

  override func setUpWithError() throws {
    scratch = try ScratchFolder()
    served = scratch.url.appendingPathComponent("served", isDirectory: true)
    good = served.appendingPathComponent("good", isDirectory: true)
    root = scratch.url.appendingPathComponent("root", isDirectory: true)
    files = try TinyMNIST.write(into: good)
    server = try MirrorServer(serving: served)
    log = DownloadEventLog()
  }

  override func tearDown() {
    server?.stop()
    scratch?.remove()
  }

  // MARK: Helpers

  var mnistFolder: URL { root.appendingPathComponent("mnist", isDirectory: true) }

  func downloader(attemptsPerMirror: Int = 5) -> DatasetDownloader {
    var downloader = DatasetDownloader(progress: { [log] in log!.record($0) })
    downloader.attemptsPerMirror = attemptsPerMirror
    return downloader
  }

  func mirror(_ prefix: String) -> URL { server.url(prefix: prefix) }

  /// The names in `folder` (none when it does not exist).
  func contents(of folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }

  func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

  func assertNoPartFiles(in folder: URL, file: StaticString = #filePath, line: UInt = #line) {
    let parts = contents(of: folder).filter { $0.hasSuffix(".part") }
    XCTAssertEqual(parts, [], "partial files left in \(folder.path)", file: file, line: line)
  }

  /// Every file of the entry is installed in `folder` with its published bytes.
  func assertInstalled(_ files: [RemoteFile], in folder: URL, file: StaticString = #filePath, line: UInt = #line) {
    for remote in files {
      let url = folder.appendingPathComponent(remote.name)
      XCTAssertEqual(try? FileDigest.sha256(of: url), remote.sha256, "\(remote.name)", file: file, line: line)
    }
    assertNoPartFiles(in: folder, file: file, line: line)
  }

  /// The `DownloadError.allMirrorsFailed` that `body` throws, or nil after an XCTFail.
  func allMirrorsFailed(
    _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line
  ) -> (file: String, attempts: [DownloadAttempt], folder: String, description: String)? {
    do {
      try body()
      XCTFail("the install succeeded; expected DownloadError.allMirrorsFailed", file: file, line: line)
    } catch let error as DownloadError {
      if case .allMirrorsFailed(let name, let attempts, let folder) = error {
        return (name, attempts, folder, error.description)
      }
      XCTFail("expected allMirrorsFailed, got \(error)", file: file, line: line)
    } catch {
      XCTFail("expected a DownloadError, got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
  }

  /// The copy of `good/` at `name/` with one byte flipped in `file`.
  func corruptedMirror(_ name: String, flipping file: String) throws -> URL {
    let folder = served.appendingPathComponent(name, isDirectory: true)
    try copyFolder(good, to: folder)
    try flipByte(of: folder.appendingPathComponent(file))
    return folder
  }

  // MARK: Download

  func testDownloadIntoAnEmptyRootInstallsAllFourFilesThatLoad() throws {
    let folder = try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: root)

    XCTAssertEqual(folder.standardizedFileURL.path, mnistFolder.standardizedFileURL.path)
    assertInstalled(files, in: mnistFolder)
    XCTAssertEqual(contents(of: mnistFolder), TinyMNIST.fileNames.sorted())
    XCTAssertEqual(log.verified.map(\.file), TinyMNIST.fileNames)
    XCTAssertEqual(log.failures, [])
    let gets = server.requests().filter { $0.method == "GET" }
    XCTAssertEqual(gets.map(\.path), TinyMNIST.fileNames.map { "/good/" + $0 })
    XCTAssertEqual(gets.compactMap(\.range), [], "a fresh download asks for no range")

    let split = try DatasetSplit.load(.mnist, roots: [root])
    XCTAssertEqual(split.train.count, TinyMNIST.trainCount)
    XCTAssertEqual(split.test.count, TinyMNIST.testCount)
    XCTAssertEqual(split.train.shape, ImageShape(height: 28, width: 28))
  }

  func testSecondInstallDoesNotFetchAgain() throws {
    let entry = TinyMNIST.entry(files, mirrors: [mirror("good/")])
    try downloader().install(entry, into: root)
    let requestsAfterFirst = server.requests().count
    let second = DownloadEventLog()
    var again = downloader()
    again.progress = { second.record($0) }

    try again.install(entry, into: root)

    XCTAssertEqual(second.alreadyInstalled, TinyMNIST.fileNames)
    XCTAssertEqual(second.starts.count, 0, "\(second.summary)")
    XCTAssertEqual(server.requests().count, requestsAfterFirst, "the second install sent requests")
    assertInstalled(files, in: mnistFolder)
  }

  // MARK: Resume after a cut transfer

  func testResumeAfterACutTransferAsksForTheRestWithARange() throws {
    let cut = 1000
    let name = TinyMNIST.trainImages
    let part = mnistFolder.appendingPathComponent(name + ".part")
    let target = mnistFolder.appendingPathComponent(name)
    let cutMirror = mirror("cut/\(cut)/good/")

    // A transfer that breaks off, with one try only: the install fails, the .part stays.
    let failed = allMirrorsFailed {
      try downloader(attemptsPerMirror: 1).install(TinyMNIST.entry(files, mirrors: [cutMirror]), into: root)
    }
    XCTAssertEqual(failed?.file, name)
    XCTAssertEqual(failed?.attempts.map(\.url), [cutMirror.appendingPathComponent(name)])
    if case .interrupted(let received, _)? = failed?.attempts.first?.failure {
      XCTAssertEqual(received, cut)
    } else {
      XCTFail("expected an .interrupted attempt, got \(String(describing: failed?.attempts))")
    }
    XCTAssertEqual(try DataFile.size(part), cut)
    XCTAssertEqual(try Data(contentsOf: part), try Data(contentsOf: good.appendingPathComponent(name)).prefix(cut))
    XCTAssertFalse(exists(target), "an unverified \(name) was left where the loaders read")
    XCTAssertThrowsError(try DatasetSplit.load(.mnist, roots: [root]), "an interrupted download must not load")

    // Again from the whole mirror: the rest is asked for with a Range, and the file verifies.
    let resumed = DownloadEventLog()
    var again = downloader()
    again.progress = { resumed.record($0) }
    try again.install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: root)

    XCTAssertEqual(server.gets(of: name).map(\.range), [nil, "bytes=\(cut)-"])
    XCTAssertEqual(resumed.starts.first?.resumingAt, cut)
    XCTAssertEqual(resumed.verified.first?.file, name)
    XCTAssertEqual(resumed.verified.first?.fetched, files[0].bytes - cut)
    assertInstalled(files, in: mnistFolder)
    XCTAssertEqual(DatasetVerification(of: TinyMNIST.entry(files, mirrors: []), in: mnistFolder).isVerified, true)
  }

  func testCutTransfersAreResumedWithinOneRunWhileEachTryMakesProgress() throws {
    let cut = 8000
    let size = files[0].bytes
    XCTAssertGreaterThan(size, 3 * cut, "the fixture is too small to be cut three times")
    try downloader(attemptsPerMirror: size / cut + 1)
      .install(TinyMNIST.entry(files, mirrors: [mirror("cut/\(cut)/good/")]), into: root)

    assertInstalled(files, in: mnistFolder)
    let pieces = (size + cut - 1) / cut
    let expectedRanges: [String?] = [nil] + (1..<pieces).map { "bytes=\($0 * cut)-" }
    XCTAssertEqual(server.gets(of: TinyMNIST.trainImages).map(\.range), expectedRanges)
    let trainFailures = log.failures.filter { $0.url.lastPathComponent == TinyMNIST.trainImages }
    XCTAssertEqual(trainFailures.count, pieces - 1)
    for failure in trainFailures {
      guard case .interrupted = failure.failure else { return XCTFail("expected .interrupted: \(failure)") }
    }
  }

  // MARK: Fallback to the next mirror

  func assertFallsBack(afterStatus code: Int, file: StaticString = #filePath, line: UInt = #line) throws {
    let broken = mirror("status/\(code)/good/")
    try downloader().install(TinyMNIST.entry(files, mirrors: [broken, mirror("good/")]), into: root)

    assertInstalled(files, in: mnistFolder, file: file, line: line)
    XCTAssertEqual(
      log.failures, TinyMNIST.fileNames.map { DownloadAttempt(url: broken.appendingPathComponent($0), failure: .httpStatus(code)) },
      file: file, line: line)
    let summary = log.summary
    XCTAssertEqual(
      Array(summary.prefix(3)),
      [
        "start \(TinyMNIST.trainImages) \(broken.appendingPathComponent(TinyMNIST.trainImages).absoluteString) @0",
        "failed \(DownloadAttempt(url: broken.appendingPathComponent(TinyMNIST.trainImages), failure: .httpStatus(code)))",
        "start \(TinyMNIST.trainImages) \(mirror("good/").appendingPathComponent(TinyMNIST.trainImages).absoluteString) @0",
      ], file: file, line: line)
    XCTAssertTrue(summary.contains { $0.contains("HTTP \(code)") }, "\(summary)", file: file, line: line)
  }

  func testFallbackAfterA404() throws { try assertFallsBack(afterStatus: 404) }

  func testFallbackAfterA500() throws { try assertFallsBack(afterStatus: 500) }

  func testLargeErrorPageOnTheFirstMirrorDoesNotBlockTheNext() throws {
    // A 404 answered with a 5,000-byte page, larger than the label files (a few hundred bytes).
    let broken = mirror("body/5000/status/404/good/")
    XCTAssertLessThan(files[3].bytes, 5000)

    XCTAssertNoThrow(
      try downloader().install(TinyMNIST.entry(files, mirrors: [broken, mirror("good/")]), into: root),
      "\(log.summary)")

    assertInstalled(files, in: mnistFolder)
    XCTAssertEqual(server.gets(of: TinyMNIST.fileNames[3]).map(\.range), [nil, nil], "the good mirror was asked for a range")
  }

  func testAllMirrors404ListsEveryURLTriedAndSuggestsMirror() throws {
    let mirrors = [mirror("status/404/one/"), mirror("status/404/two/")]
    let failed = allMirrorsFailed { try downloader().install(TinyMNIST.entry(files, mirrors: mirrors), into: root) }

    let urls = mirrors.map { $0.appendingPathComponent(TinyMNIST.trainImages) }
    XCTAssertEqual(failed?.file, TinyMNIST.trainImages)
    XCTAssertEqual(failed?.attempts, urls.map { DownloadAttempt(url: $0, failure: .httpStatus(404)) })
    XCTAssertEqual(failed?.folder, mnistFolder.path)
    for url in urls { XCTAssertTrue(failed?.description.contains(url.absoluteString) ?? false, failed?.description ?? "") }
    XCTAssertTrue(failed?.description.contains("--mirror") ?? false, failed?.description ?? "")
    XCTAssertTrue(failed?.description.contains("HTTP 404") ?? false, failed?.description ?? "")
    XCTAssertEqual(contents(of: mnistFolder), [], "a failed download left files")
    let part = mnistFolder.appendingPathComponent(TinyMNIST.trainImages + ".part")
    if let left = try? Data(contentsOf: part) {
      XCTFail("the .part holds the body of the error responses: \(String(decoding: left, as: UTF8.self).debugDescription)")
    }
  }

  func testUnreachableMirrorIsRecordedThenTheNextOneIsUsed() throws {
    let closed = URL(string: "http://127.0.0.1:\(MirrorServer.closedPort())/mnist/")!
    try downloader().install(TinyMNIST.entry(files, mirrors: [closed, mirror("good/")]), into: root)

    assertInstalled(files, in: mnistFolder)
    let first = try XCTUnwrap(log.failures.first)
    XCTAssertEqual(first.url, closed.appendingPathComponent(TinyMNIST.trainImages))
    guard case .unreachable = first.failure else { return XCTFail("expected .unreachable, got \(first)") }
    XCTAssertEqual(log.failures.count, 4, "one unreachable try per file, then the next mirror: \(log.summary)")
  }

  // MARK: A corrupted file

  func testCorruptedFileIsRejectedWithBothDigestsAndLeavesNoFile() throws {
    let name = TinyMNIST.trainImages
    let bad = try corruptedMirror("bad", flipping: name)
    let served = try FileDigest.sha256(of: bad.appendingPathComponent(name))
    XCTAssertNotEqual(served, files[0].sha256)

    let failed = allMirrorsFailed { try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("bad/")]), into: root) }

    XCTAssertEqual(
      failed?.attempts,
      [DownloadAttempt(url: mirror("bad/").appendingPathComponent(name), failure: .checksumMismatch(expected: files[0].sha256, actual: served))])
    XCTAssertTrue(failed?.description.contains(files[0].sha256) ?? false, failed?.description ?? "")
    XCTAssertTrue(failed?.description.contains(served) ?? false, failed?.description ?? "")
    XCTAssertFalse(exists(mnistFolder.appendingPathComponent(name)), "the corrupted file was installed")
    XCTAssertFalse(exists(mnistFolder.appendingPathComponent(name + ".part")), "the corrupted .part was kept")
    XCTAssertEqual(contents(of: mnistFolder), [])
  }

  func testCorruptedFileOnTheFirstMirrorFallsBackToAGoodOne() throws {
    let name = TinyMNIST.trainImages
    let bad = try corruptedMirror("bad", flipping: name)
    let served = try FileDigest.sha256(of: bad.appendingPathComponent(name))

    try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("bad/"), mirror("good/")]), into: root)

    assertInstalled(files, in: mnistFolder)
    XCTAssertEqual(
      log.failures,
      [DownloadAttempt(url: mirror("bad/").appendingPathComponent(name), failure: .checksumMismatch(expected: files[0].sha256, actual: served))])
    XCTAssertEqual(server.gets(of: name).map(\.path), ["/bad/\(name)", "/good/\(name)"])
  }

  func testDamagedInstalledFileIsReplacedByAVerifiedDownload() throws {
    try copyFolder(good, to: mnistFolder)
    try flipByte(of: mnistFolder.appendingPathComponent(TinyMNIST.trainImages))

    try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: root)

    assertInstalled(files, in: mnistFolder)
    XCTAssertEqual(log.alreadyInstalled, Array(TinyMNIST.fileNames.dropFirst()))
    XCTAssertEqual(server.requests().map(\.path), ["/good/\(TinyMNIST.trainImages)"])
  }

  func testBadRawCopyThatLoadersWouldPreferIsRemoved() throws {
    let raw = mnistFolder.appendingPathComponent(IDXFiles.trainImages)
    try FileManager.default.createDirectory(at: mnistFolder, withIntermediateDirectories: true)
    try Data(randomBytes(2000, seed: 3)).write(to: raw)

    try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: root)

    XCTAssertFalse(exists(raw), "a damaged raw file the loaders prefer to the .gz was kept")
    assertInstalled(files, in: mnistFolder)
    XCTAssertTrue(DatasetVerification(of: TinyMNIST.entry(files, mirrors: []), in: mnistFolder).isVerified)
  }

  // MARK: Stale .part files

  func testServerIgnoringRangeMakesTheFileStartOverAndVerify() throws {
    let name = TinyMNIST.trainImages
    let part = mnistFolder.appendingPathComponent(name + ".part")
    try FileManager.default.createDirectory(at: mnistFolder, withIntermediateDirectories: true)
    try Data(randomBytes(500, seed: 11)).write(to: part)

    try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("norange/good/")]), into: root)

    XCTAssertEqual(server.gets(of: name).map(\.range), ["bytes=500-"], "one ranged GET, answered 200 with the whole file")
    XCTAssertEqual(log.starts.first?.resumingAt, 500)
    XCTAssertEqual(log.failures, [])
    assertInstalled(files, in: mnistFolder)
  }

  func testPartHoldingOtherBytesFailsItsChecksumThenStartsOverFromZero() throws {
    let name = TinyMNIST.trainImages
    let part = mnistFolder.appendingPathComponent(name + ".part")
    try FileManager.default.createDirectory(at: mnistFolder, withIntermediateDirectories: true)
    try Data(randomBytes(500, seed: 12)).write(to: part)

    try downloader(attemptsPerMirror: 1).install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: root)

    XCTAssertEqual(server.gets(of: name).map(\.range), ["bytes=500-", nil])
    XCTAssertEqual(log.failures.count, 1, "\(log.summary)")
    guard case .checksumMismatch(let expected, _)? = log.failures.first?.failure else {
      return XCTFail("expected a checksum mismatch first: \(log.summary)")
    }
    XCTAssertEqual(expected, files[0].sha256)
    assertInstalled(files, in: mnistFolder)
  }

  func testCompletePartLeftByAStoppedRunIsVerifiedOrFetchedAgain() throws {
    // A run stopped after the last byte arrived but before the rename leaves a
    // whole NAME.part: the resume asks for `bytes=SIZE-`, which a server answers 416.
    let name = TinyMNIST.trainImages
    try FileManager.default.createDirectory(at: mnistFolder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: good.appendingPathComponent(name), to: mnistFolder.appendingPathComponent(name + ".part"))

    XCTAssertNoThrow(
      try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: root),
      "a complete .part makes every mirror answer 416 and the install can never succeed: \(log.summary)")

    assertInstalled(files, in: mnistFolder)
  }

  // MARK: Recompressed gzip files

  /// `good/` with the training images gzipped at level 1 instead of IDX.write's level 6.
  func recompressedMirror() throws -> URL {
    let folder = served.appendingPathComponent("recompressed", isDirectory: true)
    try copyFolder(good, to: folder)
    let name = TinyMNIST.trainImages
    let bytes = try TinyMNIST.recompressed(good.appendingPathComponent(name), rank: 3, level: 1)
    try Data(bytes).write(to: folder.appendingPathComponent(name))
    let url = folder.appendingPathComponent(name)
    XCTAssertNotEqual(try FileDigest.sha256(of: url), files[0].sha256, "level 1 gave the same bytes as level 6")
    XCTAssertEqual(try FileDigest.sha256OfDecompressed(url), files[0].contentSHA256)
    return folder
  }

  func testRecompressedGzipIsAcceptedOnItsContentDigest() throws {
    let folder = try recompressedMirror()

    try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("recompressed/")]), into: root)

    let installed = mnistFolder.appendingPathComponent(TinyMNIST.trainImages)
    XCTAssertEqual(try Data(contentsOf: installed), try Data(contentsOf: folder.appendingPathComponent(TinyMNIST.trainImages)))
    XCTAssertEqual(log.failures, [])
    assertNoPartFiles(in: mnistFolder)
    let check = DatasetVerification(of: TinyMNIST.entry(files, mirrors: []), in: mnistFolder)
    XCTAssertEqual(check.files.map(\.outcome), [.verifiedContent, .verified, .verified, .verified])
    XCTAssertEqual(try DatasetSplit.load(.mnist, roots: [root]).train.count, TinyMNIST.trainCount)
  }

  func testRecompressedGzipIsRejectedWithoutAContentDigest() throws {
    let folder = try recompressedMirror()
    var strict = files!
    strict[0].contentSHA256 = nil
    let served = try FileDigest.sha256(of: folder.appendingPathComponent(TinyMNIST.trainImages))

    let failed = allMirrorsFailed {
      try downloader().install(TinyMNIST.entry(strict, mirrors: [mirror("recompressed/")]), into: root)
    }

    XCTAssertEqual(failed?.attempts.map(\.failure), [.checksumMismatch(expected: files[0].sha256, actual: served)])
    XCTAssertEqual(contents(of: mnistFolder), [])
  }

  // MARK: Archives

  /// A tiny CIFAR-10 tarball under `served/cifar/` and its catalogue record.
  func tinyCIFARArchive() throws -> (file: RemoteFile, members: [ArchiveMember]) {
    let staging = scratch.url.appendingPathComponent("staging/cifar-10-batches-bin", isDirectory: true)
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    for (index, name) in (CIFAR10.trainFiles + [CIFAR10.testFile]).enumerated() {
      let count = 3
      try CIFAR10.write(
        pixels: randomBytes(count * 3072, seed: UInt64(50 + index)), labels: randomBytes(count, seed: UInt64(90 + index), below: 10),
        to: staging.appendingPathComponent(name))
    }
    try Data((CIFAR10.classNames.joined(separator: "\n") + "\n").utf8).write(to: staging.appendingPathComponent("batches.meta.txt"))
    let members = try (CIFAR10.trainFiles + [CIFAR10.testFile, "batches.meta.txt"]).map {
      ArchiveMember(path: "cifar-10-batches-bin/\($0)", sha256: try FileDigest.sha256(of: staging.appendingPathComponent($0)))
    }
    let cifar = served.appendingPathComponent("cifar", isDirectory: true)
    try FileManager.default.createDirectory(at: cifar, withIntermediateDirectories: true)
    let archive = cifar.appendingPathComponent("cifar-10-binary.tar.gz")
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tar.arguments = ["tar", "-czf", archive.path, "-C", staging.deletingLastPathComponent().path, "cifar-10-batches-bin"]
    try tar.run()
    tar.waitUntilExit()
    XCTAssertEqual(tar.terminationStatus, 0, "tar -czf failed")
    let file = RemoteFile(
      name: archive.lastPathComponent, bytes: try DataFile.size(archive), sha256: try FileDigest.sha256(of: archive),
      kind: .archive(members: members))
    return (file, members)
  }

  func cifarEntry(_ file: RemoteFile) -> DatasetEntry {
    DatasetEntry(
      name: .cifar10, title: "Tiny CIFAR-10", homepage: "http://127.0.0.1/", folder: "cifar-10-batches-bin",
      mirrors: [mirror("cifar/")], files: [file])
  }

  func testArchiveIsUnpackedMemberByMemberAndRemoved() throws {
    let (file, members) = try tinyCIFARArchive()
    let folder = try downloader().install(cifarEntry(file), into: root)

    XCTAssertEqual(folder.lastPathComponent, "cifar-10-batches-bin")
    XCTAssertEqual(contents(of: folder), members.map(\.fileName).sorted(), "only the members: no archive, .part or scratch")
    for member in members {
      XCTAssertEqual(try FileDigest.sha256(of: folder.appendingPathComponent(member.fileName)), member.sha256)
    }
    XCTAssertTrue(log.summary.contains("unpack \(file.name)"), "\(log.summary)")
    let split = try DatasetSplit.load(.cifar10, roots: [root])
    XCTAssertEqual(split.train.count, 15)
    XCTAssertEqual(split.test.count, 3)
    XCTAssertEqual(split.test.labels, randomBytes(3, seed: 95, below: 10).map(Int32.init))

    let requests = server.requests().count
    let second = DownloadEventLog()
    var again = downloader()
    again.progress = { second.record($0) }
    try again.install(cifarEntry(file), into: root)
    XCTAssertEqual(second.alreadyInstalled, [file.name])
    XCTAssertEqual(server.requests().count, requests)
  }

  func testArchiveMemberWithAWrongDigestIsRejectedAndNoMemberIsInstalled() throws {
    var (file, members) = try tinyCIFARArchive()
    let wrong = String(repeating: "0", count: 64)
    let actual = members[2].sha256
    members[2].sha256 = wrong
    file.kind = .archive(members: members)

    XCTAssertThrowsError(try downloader().install(cifarEntry(file), into: root)) { error in
      XCTAssertEqual(
        error as? DownloadError, .memberMismatch(path: "cifar-10-batches-bin/data_batch_3.bin", expected: wrong, actual: actual))
      XCTAssertTrue("\(error)".contains(wrong) && "\(error)".contains(actual), "\(error)")
    }
    let folder = root.appendingPathComponent("cifar-10-batches-bin")
    let left = contents(of: folder)
    for member in members { XCTAssertFalse(left.contains(member.fileName), "\(member.fileName) was installed: \(left)") }
    XCTAssertFalse(left.contains { $0.hasPrefix(".unpack") || $0.hasSuffix(".part") }, "\(left)")
    XCTAssertThrowsError(try DatasetSplit.load(.cifar10, roots: [root]))
  }

  // MARK: Unwritable roots

  func testDiskFullStopsTheDownloadWithAWriteErrorAndLeavesNoFile() throws {
    // /dev/full fails every write with ENOSPC: the .part is made a link to it.
    guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full on this system") }
    try FileManager.default.createDirectory(at: mnistFolder, withIntermediateDirectories: true)
    let first = TinyMNIST.fileNames[0]
    let part = mnistFolder.appendingPathComponent(first + ".part")
    try FileManager.default.createSymbolicLink(atPath: part.path, withDestinationPath: "/dev/full")

    XCTAssertThrowsError(try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: root)) {
      guard case DownloadError.writeFailed(let path, _) = $0 else { return XCTFail("expected writeFailed, got \($0)") }
      XCTAssertEqual(path, part.path)
      XCTAssertTrue("\($0)".contains("Free some space"), "\($0)")
    }
    XCTAssertEqual(contents(of: mnistFolder), [], "a disk-full download left files behind")
    XCTAssertEqual(server.requests().filter { $0.method == "GET" }.count, 1, "a write error must not try other mirrors")
  }

  func testRootUnderARegularFileIsUnwritable() throws {
    let plain = try scratch.write([1, 2, 3], to: "plain-file")
    let badRoot = plain.appendingPathComponent("root", isDirectory: true)

    XCTAssertThrowsError(try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: badRoot)) {
      guard case .unwritableRoot(let path, _)? = $0 as? DownloadError else { return XCTFail("expected unwritableRoot, got \($0)") }
      XCTAssertEqual(path, badRoot.appendingPathComponent("mnist").path)
      XCTAssertTrue("\($0)".contains("--root"), "\($0)")
    }
    XCTAssertEqual(server.requests().count, 0)
  }

  func testReadOnlyRootIsUnwritable() throws {
    if getuid() == 0 { throw XCTSkip("running as root, which can write into a read-only folder") }
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: root.path)
    defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path) }

    XCTAssertThrowsError(try downloader().install(TinyMNIST.entry(files, mirrors: [mirror("good/")]), into: root)) {
      guard case .unwritableRoot? = $0 as? DownloadError else { return XCTFail("expected unwritableRoot, got \($0)") }
    }
  }
}
