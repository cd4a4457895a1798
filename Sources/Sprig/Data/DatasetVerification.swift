// DatasetVerification: whether the dataset files on disk are the published ones.
import Foundation

/// The check of one file a loader reads.
public struct FileVerification: Sendable, Equatable {
  /// What the check found.
  public enum Outcome: Sendable, Equatable {
    /// The file's SHA-256 is the published one.
    case verified
    /// A gzip file whose wrapper differs but whose decompressed bytes have
    /// the published SHA-256 (a copy recompressed by another tool).
    case verifiedContent
    /// Neither digest matches: `actual` is the file's own SHA-256.
    case mismatch(expected: String, actual: String)
    /// The file is not there (neither raw nor gzipped).
    case missing
    /// No digest is published for this form of the file (a decompressed KMNIST file).
    case noDigest
    /// The file could not be read or decompressed; `reason` says why.
    case unreadable(reason: String)
  }

  /// The file checked (or, when missing, where it was expected).
  public var path: String
  /// Its size in bytes (0 when missing).
  public var bytes: Int
  /// What the check found.
  public var outcome: Outcome

  /// Whether the file is the published one (by either digest).
  public var isVerified: Bool { outcome == .verified || outcome == .verifiedContent }
}

/// What a dataset folder holds, file by file.
public struct DatasetVerification: Sendable {
  /// The dataset's catalogue entry.
  public var entry: DatasetEntry
  /// The folder checked.
  public var folder: URL
  /// One check per file the loaders read.
  public var files: [FileVerification]

  /// Every file is there and is the published one.
  public var isVerified: Bool { files.allSatisfy(\.isVerified) }
  /// Bytes on disk of the files checked.
  public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }

  /// Checks, in `folder`, every file of `entry` that the loaders read: the
  /// raw file where both it and its `.gz` exist (as the loaders prefer it).
  public init(of entry: DatasetEntry, in folder: URL) {
    self.entry = entry
    self.folder = folder
    files = entry.files.flatMap(ExpectedFile.of).map { $0.check(in: folder, of: entry.name) }
  }

  /// A file the loaders read (named without `.gz`), with the published
  /// digest of the raw file and of the `.gz` where there is one.
  struct ExpectedFile {
    var name: String
    var raw: String?
    var gzipped: String?

    /// What the loaders read of a downloaded file: itself or its decompressed
    /// form for a `.gz`, the members of an archive.
    static func of(_ file: RemoteFile) -> [ExpectedFile] {
      switch file.kind {
      case .file:
        guard file.name.hasSuffix(".gz") else { return [ExpectedFile(name: file.name, raw: file.sha256)] }
        return [ExpectedFile(name: String(file.name.dropLast(3)), raw: file.contentSHA256, gzipped: file.sha256)]
      case .archive(let members):
        return members.map { ExpectedFile(name: $0.fileName, raw: $0.sha256) }
      }
    }

    /// Checks the copy in `folder` the loaders would read.
    func check(in folder: URL, of dataset: DatasetName) -> FileVerification {
      guard let file = DataRoots.existingFile(named: name, in: folder, of: dataset) else {
        return FileVerification(path: folder.appendingPathComponent(name).path, bytes: 0, outcome: .missing)
      }
      let isGzip = file.lastPathComponent.hasSuffix(".gz")
      return DatasetVerification.check(file, published: isGzip ? gzipped : raw, content: isGzip ? raw : nil)
    }
  }

  /// Checks `file` against the published digest of its own bytes and, for a
  /// gzip file, of its decompressed bytes.
  static func check(_ file: URL, published: String?, content: String?) -> FileVerification {
    let bytes = (try? DataFile.size(file)) ?? 0
    func result(_ outcome: FileVerification.Outcome) -> FileVerification {
      FileVerification(path: file.path, bytes: bytes, outcome: outcome)
    }
    guard published != nil || content != nil else { return result(.noDigest) }
    do {
      let actual = try FileDigest.sha256(of: file)
      if actual == published { return result(.verified) }
      if let content, (try? FileDigest.sha256OfDecompressed(file)) == content { return result(.verifiedContent) }
      return result(.mismatch(expected: published ?? content!, actual: actual))
    } catch {
      return result(.unreadable(reason: "\(error)"))
    }
  }
}
