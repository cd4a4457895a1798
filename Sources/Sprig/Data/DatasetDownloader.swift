// DatasetDownloader: fetches a dataset's original files from its mirrors, checks
// their SHA-256 and only then puts them where the loaders look.
import Foundation

/// What a download is doing, for a progress display.
public enum DownloadEvent: Sendable {
  /// `file` is already in place and verified: not fetched again.
  case alreadyInstalled(file: String)
  /// A GET of `url` begins; `resumingAt` bytes are already in the `.part` file.
  case started(file: String, url: URL, resumingAt: Int)
  /// The `.part` file holds `bytes` of `total` (when the server says).
  case received(file: String, bytes: Int, total: Int?)
  /// `file` arrived whole and verified: `bytes` bytes, `fetched` of them in this run, in `seconds` of transfer.
  case verified(file: String, bytes: Int, fetched: Int, seconds: Double)
  /// A try failed; the next one follows (the same mirror resuming, or the next mirror).
  case failed(DownloadAttempt)
  /// A verified archive is being unpacked.
  case unpacking(file: String)
}

/// Downloads datasets of the ``DatasetCatalog`` into a data root, the way
/// `torchvision.datasets.MNIST(download=True)` does, with these guarantees:
/// - a file is written as `NAME.part`, resumed with an HTTP Range request
///   when a `.part` is already there, and renamed to `NAME` only after its
///   SHA-256 matches the catalogue (a file that does not is removed);
/// - mirrors are tried in order: the user's (``mirrors``), then the
///   catalogue's; a broken transfer is resumed on the same mirror while it
///   makes progress (``attemptsPerMirror``), an HTTP error or a wrong
///   checksum moves on to the next mirror;
/// - archives (CIFAR-10) are unpacked beside the loaders' folder and each
///   member checked before it is moved in.
public struct DatasetDownloader {
  /// Base URLs tried before the catalogue's own mirrors, in order.
  public var mirrors: [URL]
  /// Tries per mirror while each try makes progress.
  public var attemptsPerMirror = 5
  /// Called with every event, on the downloading thread or URLSession's.
  public var progress: (DownloadEvent) -> Void

  /// A downloader trying `mirrors` first.
  public init(mirrors: [URL] = [], progress: @escaping (DownloadEvent) -> Void = { _ in }) {
    self.mirrors = mirrors
    self.progress = progress
  }

  /// The mirror of `SPRIG_DATA_MIRROR`, if set: a base URL under which the
  /// original file names are found.
  public static func environmentMirrors(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [URL] {
    guard let value = environment["SPRIG_DATA_MIRROR"], !value.isEmpty, let url = URL(string: value) else { return [] }
    return [url]
  }

  /// Installs `entry` under `root` (into `root/entry.folder`), fetching
  /// only what is missing or fails its checksum; returns the folder.
  ///
  /// - Throws: ``DownloadError``.
  @discardableResult
  public func install(_ entry: DatasetEntry, into root: URL) throws -> URL {
    let folder = root.appendingPathComponent(entry.folder, isDirectory: true)
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw DownloadError.unwritableRoot(path: folder.path, reason: error.localizedDescription)
    }
    for file in entry.files {
      switch file.kind {
      case .file: try installFile(file, of: entry, in: folder)
      case .archive(let members): try installArchive(file, members: members, of: entry, in: folder)
      }
    }
    return folder
  }

  private func installFile(_ file: RemoteFile, of entry: DatasetEntry, in folder: URL) throws {
    for expected in DatasetVerification.ExpectedFile.of(file) {
      let present = expected.check(in: folder, of: entry.name)
      if present.isVerified { return progress(.alreadyInstalled(file: (present.path as NSString).lastPathComponent)) }
      // A bad copy would be read instead of the download (raw files win): it goes.
      switch present.outcome {
      case .mismatch, .unreadable: try? FileManager.default.removeItem(atPath: present.path)
      default: break
      }
    }
    let target = folder.appendingPathComponent(file.name)
    try fetch(file, of: entry, to: part(of: target), folder: folder)
    try moveIntoPlace(part(of: target), target)
  }

  private func installArchive(_ file: RemoteFile, members: [ArchiveMember], of entry: DatasetEntry, in folder: URL)
    throws
  {
    let installed = DatasetVerification.ExpectedFile.of(file).allSatisfy {
      $0.check(in: folder, of: entry.name).isVerified
    }
    if installed { return progress(.alreadyInstalled(file: file.name)) }
    let archive = folder.appendingPathComponent(file.name)
    // A verified archive left by an unpack that failed (disk full) is used again.
    if !(DataFile.exists(archive) && matches(archive, file)) {
      try fetch(file, of: entry, to: part(of: archive), folder: folder)
      try moveIntoPlace(part(of: archive), archive)
    }
    progress(.unpacking(file: file.name))
    try ArchiveUnpacker.unpack(archive, members: members, into: folder)
    try? FileManager.default.removeItem(at: archive)
  }

  private func part(of target: URL) -> URL { target.appendingPathExtension("part") }

  /// Fetches `file` into `part` from the first mirror that gives the
  /// published bytes.
  private func fetch(_ file: RemoteFile, of entry: DatasetEntry, to part: URL, folder: URL) throws {
    var attempts: [DownloadAttempt] = []
    for mirror in mirrors + entry.mirrors {
      let url = mirror.appendingPathComponent(file.name)
      var triesLeft = attemptsPerMirror
      while triesLeft > 0 {
        triesLeft -= 1
        let start = Date()
        let before = (try? DataFile.size(part)) ?? 0
        progress(.started(file: file.name, url: url, resumingAt: before))
        let outcome = try HTTPFetch.get(url, appendingTo: part) { bytes, total in
          progress(.received(file: file.name, bytes: bytes, total: total))
        }
        let failure: DownloadAttempt.Failure
        switch outcome {
        case .complete(let bytes, let fetched):
          let seconds = Date().timeIntervalSince(start)
          if matches(part, file) {
            return progress(.verified(file: file.name, bytes: bytes, fetched: fetched, seconds: seconds))
          }
          let actual = (try? FileDigest.sha256(of: part)) ?? "unreadable"
          try? FileManager.default.removeItem(at: part)
          failure = .checksumMismatch(expected: file.sha256, actual: actual)
          // Resumed bytes may have come from another copy: once more from the start.
          if before > 0 { triesLeft = max(triesLeft, 1) } else { triesLeft = 0 }
        case .failed(.httpStatus(416)) where before > 0:
          // Nothing past the .part: a run that stopped after the last byte
          // but before the rename, or a .part longer than the file.
          if matches(part, file) {
            return progress(.verified(file: file.name, bytes: before, fetched: 0, seconds: 0))
          }
          try? FileManager.default.removeItem(at: part)
          failure = .httpStatus(416)
          triesLeft = max(triesLeft, 1)
        case .failed(let reason):
          failure = reason
          let grew = ((try? DataFile.size(part)) ?? 0) > before
          if case .interrupted = reason, grew {} else { triesLeft = 0 }
        }
        // An empty .part (nothing arrived) is no resume point: leave no trace of it.
        if (try? DataFile.size(part)) == 0 { try? FileManager.default.removeItem(at: part) }
        let attempt = DownloadAttempt(url: url, failure: failure)
        attempts.append(attempt)
        progress(.failed(attempt))
      }
    }
    throw DownloadError.allMirrorsFailed(file: file.name, attempts: attempts, folder: folder.path)
  }

  /// Whether `url` holds `file`'s published bytes (or, for a gzip file, its published contents).
  private func matches(_ url: URL, _ file: RemoteFile) -> Bool {
    guard let actual = try? FileDigest.sha256(of: url) else { return false }
    if actual == file.sha256 { return true }
    guard let content = file.contentSHA256 else { return false }
    return (try? FileDigest.sha256OfDecompressed(url)) == content
  }

  private func moveIntoPlace(_ source: URL, _ target: URL) throws {
    do {
      if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
      try FileManager.default.moveItem(at: source, to: target)
    } catch {
      throw DownloadError.writeFailed(path: target.path, reason: error.localizedDescription)
    }
  }
}
