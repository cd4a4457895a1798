// DatasetVerificationTests: the SHA-256 check of installed dataset files, and where downloads go (DataRoots).
import Foundation
import XCTest

@testable import Sprig

final class DatasetVerificationTests: XCTestCase {
  var scratch: ScratchFolder!
  var folder: URL!
  var files: [RemoteFile]!
  var entry: DatasetEntry { TinyMNIST.entry(files, mirrors: []) }

  override func setUpWithError() throws {
    scratch = try ScratchFolder()
    folder = scratch.url.appendingPathComponent("mnist", isDirectory: true)
    files = try TinyMNIST.write(into: folder)
  }

  override func tearDown() { scratch?.remove() }

  func check() -> DatasetVerification { DatasetVerification(of: entry, in: folder) }

  // MARK: Verification

  func testPublishedFilesVerify() {
    let check = check()
    XCTAssertTrue(check.isVerified)
    XCTAssertEqual(check.files.map(\.outcome), Array(repeating: .verified, count: 4))
    XCTAssertEqual(check.files.map(\.path), TinyMNIST.fileNames.map { folder.appendingPathComponent($0).path })
    XCTAssertEqual(check.bytes, files.reduce(0) { $0 + $1.bytes })
  }

  func testRecompressedGzipVerifiesOnItsContent() throws {
    let url = folder.appendingPathComponent(TinyMNIST.trainImages)
    try Data(TinyMNIST.recompressed(url, rank: 3, level: 9)).write(to: url)
    XCTAssertNotEqual(try FileDigest.sha256(of: url), files[0].sha256)

    let check = check()
    XCTAssertEqual(check.files[0].outcome, .verifiedContent)
    XCTAssertTrue(check.files[0].isVerified)
    XCTAssertTrue(check.isVerified)
  }

  func testOneByteChangedIsAMismatchWithExpectedAndActualDigests() throws {
    let url = folder.appendingPathComponent(TinyMNIST.fileNames[3])
    try flipByte(of: url)
    let actual = try FileDigest.sha256(of: url)

    let check = check()
    XCTAssertFalse(check.isVerified)
    XCTAssertEqual(check.files[3].path, url.path)
    XCTAssertEqual(check.files[3].outcome, .mismatch(expected: files[3].sha256, actual: actual))
    XCTAssertEqual(check.files.prefix(3).map(\.outcome), Array(repeating: .verified, count: 3))
  }

  func testMissingFileIsReportedWhereItWasExpected() throws {
    try FileManager.default.removeItem(at: folder.appendingPathComponent(TinyMNIST.fileNames[1]))

    let check = check()
    XCTAssertFalse(check.isVerified)
    XCTAssertEqual(check.files[1].outcome, .missing)
    XCTAssertEqual(check.files[1].path, folder.appendingPathComponent(IDXFiles.trainLabels).path)
    XCTAssertEqual(check.files[1].bytes, 0)
  }

  func testRawFileIsCheckedInsteadOfItsGzip() throws {
    // The loaders read the raw file where both exist, so that is the one checked.
    let raw = folder.appendingPathComponent(IDXFiles.trainLabels)
    let labels = try IDX.read(folder.appendingPathComponent(TinyMNIST.fileNames[1]), rank: 1)
    try IDX.write(labels, to: raw)
    try flipByte(of: folder.appendingPathComponent(TinyMNIST.fileNames[1]))  // the .gz is ignored

    XCTAssertEqual(check().files[1].path, raw.path)
    XCTAssertEqual(check().files[1].outcome, .verified)

    try flipByte(of: raw, at: 8)
    let actual = try FileDigest.sha256(of: raw)
    XCTAssertEqual(check().files[1].outcome, .mismatch(expected: files[1].contentSHA256!, actual: actual))
  }

  func testRawFileWithoutAPublishedDigestIsUnchecked() throws {
    var unpublished = files!
    unpublished[1].contentSHA256 = nil
    let labels = try IDX.read(folder.appendingPathComponent(TinyMNIST.fileNames[1]), rank: 1)
    try IDX.write(labels, to: folder.appendingPathComponent(IDXFiles.trainLabels))

    let check = DatasetVerification(of: TinyMNIST.entry(unpublished, mirrors: []), in: folder)
    XCTAssertEqual(check.files[1].outcome, .noDigest)
    XCTAssertFalse(check.isVerified)
  }

  func testTruncatedGzipIsAMismatchNotACrash() throws {
    let url = folder.appendingPathComponent(TinyMNIST.trainImages)
    let data = try Data(contentsOf: url)
    try data.prefix(data.count / 2).write(to: url)

    guard case .mismatch(let expected, let actual) = check().files[0].outcome else {
      return XCTFail("expected a mismatch, got \(check().files[0].outcome)")
    }
    XCTAssertEqual(expected, files[0].sha256)
    XCTAssertEqual(actual, try FileDigest.sha256(of: url))
  }

  // MARK: DataRoots

  func testUserCacheHonoursXDGCacheHome() {
    XCTAssertEqual(
      DataRoots.userCache(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"]).path, "/x/cache/sprig/datasets")
  }

  func testUserCacheFallsBackToHomeDotCache() {
    XCTAssertEqual(DataRoots.userCache(environment: ["HOME": "/home/u"]).path, "/home/u/.cache/sprig/datasets")
    // A relative XDG_CACHE_HOME is invalid under the XDG rules and is ignored.
    XCTAssertEqual(
      DataRoots.userCache(environment: ["XDG_CACHE_HOME": "rel/cache", "HOME": "/home/u"]).path,
      "/home/u/.cache/sprig/datasets")
  }

  func testDefaultRootsIncludeTheUserCacheBeforeTheSystemFolder() {
    let roots = DataRoots.roots(
      environment: ["SPRIG_DATA": "/a:/b", "HOME": "/home/u"], currentDirectory: "/work/p"
    ).map(\.path)
    XCTAssertEqual(roots, ["/a", "/b", "/work/p/datasets", "/home/u/.cache/sprig/datasets", "/usr/share/datasets"])
  }

  func testDefaultRootsOffLeavesOnlySprigData() {
    let environment = ["SPRIG_DATA": "/a:/b", "SPRIG_DATA_DEFAULT_ROOTS": "0", "HOME": "/home/u"]
    XCTAssertEqual(DataRoots.roots(environment: environment, currentDirectory: "/work/p").map(\.path), ["/a", "/b"])
  }

  func testDownloadRootIsTheFirstSprigDataFolderCreatedWhenMissing() throws {
    let first = scratch.url.appendingPathComponent("first/data")
    let second = scratch.url.appendingPathComponent("second")
    let root = try DataRoots.downloadRoot(
      environment: ["SPRIG_DATA": "\(first.path):\(second.path)", "HOME": scratch.url.path],
      currentDirectory: scratch.url.path)
    XCTAssertEqual(root.standardizedFileURL.path, first.path)
    XCTAssertTrue(DataFile.folderExists(first))
    XCTAssertFalse(DataFile.folderExists(second))
  }

  func testDownloadRootSkipsASprigDataFolderThatCannotBeCreated() throws {
    let plain = try scratch.write([0], to: "plain")
    let second = scratch.url.appendingPathComponent("second")
    let root = try DataRoots.downloadRoot(
      environment: ["SPRIG_DATA": "\(plain.path)/data:\(second.path)", "HOME": scratch.url.path],
      currentDirectory: scratch.url.path)
    XCTAssertEqual(root.standardizedFileURL.path, second.path)
  }

  func testDownloadRootIsAnExistingProjectDatasetsFolderElseTheCache() throws {
    let project = scratch.url.appendingPathComponent("project")
    let home = scratch.url.appendingPathComponent("home")
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    let environment = ["HOME": home.path]

    // No ./datasets: the cache, created.
    let cache = try DataRoots.downloadRoot(environment: environment, currentDirectory: project.path)
    XCTAssertEqual(cache.standardizedFileURL.path, home.path + "/.cache/sprig/datasets")
    XCTAssertTrue(DataFile.folderExists(cache))
    XCTAssertFalse(DataFile.folderExists(project.appendingPathComponent("datasets")), "./datasets must not be created")

    // An existing ./datasets comes first.
    let datasets = project.appendingPathComponent("datasets")
    try FileManager.default.createDirectory(at: datasets, withIntermediateDirectories: true)
    let chosen = try DataRoots.downloadRoot(environment: environment, currentDirectory: project.path)
    XCTAssertEqual(chosen.standardizedFileURL.path, datasets.path)
  }

  func testDownloadRootIsNeverTheSystemFolder() throws {
    // No SPRIG_DATA and no default roots: nothing to write to, rather than /usr/share/datasets.
    XCTAssertThrowsError(
      try DataRoots.downloadRoot(environment: ["SPRIG_DATA_DEFAULT_ROOTS": "0"], currentDirectory: scratch.url.path)
    ) {
      guard case .unwritableRoot(_, let reason)? = $0 as? DownloadError else { return XCTFail("\($0)") }
      XCTAssertTrue(reason.contains("SPRIG_DATA"), reason)
    }
    // A cache that cannot be created (HOME under a regular file) and no ./datasets: an error too.
    let plain = try scratch.write([0], to: "plain")
    XCTAssertThrowsError(
      try DataRoots.downloadRoot(environment: ["HOME": plain.path + "/home"], currentDirectory: scratch.url.path)
    ) {
      guard case .unwritableRoot(_, let reason)? = $0 as? DownloadError else { return XCTFail("\($0)") }
      XCTAssertFalse(reason.contains("/usr/share/datasets"), reason)
    }
  }
}
