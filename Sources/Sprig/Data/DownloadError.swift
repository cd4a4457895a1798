// DownloadError: everything that can stop a dataset download, said so a user can act on it.
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One try of one file from one mirror, and how it ended.
public struct DownloadAttempt: Sendable, Equatable, CustomStringConvertible {
  /// How a try failed.
  public enum Failure: Sendable, Equatable {
    /// No connection could be made (no network, unknown host, refused, timed out).
    case unreachable(reason: String)
    /// The server answered with an HTTP error status.
    case httpStatus(Int)
    /// The transfer broke off after `received` bytes (the `.part` file is kept for a resume).
    case interrupted(received: Int, reason: String)
    /// The whole file arrived but its SHA-256 is not the published one; it was removed.
    case checksumMismatch(expected: String, actual: String)
  }

  /// The address tried.
  public var url: URL
  /// Why it failed.
  public var failure: Failure

  /// `url: reason`, as the error's list prints it.
  public var description: String {
    switch failure {
    case .unreachable(let reason): return "\(url.absoluteString): could not reach \(url.host ?? "the server") (\(reason))"
    case .httpStatus(let code):
      return "\(url.absoluteString): HTTP \(code) \(HTTPURLResponse.localizedString(forStatusCode: code))"
    case .interrupted(let received, let reason):
      return "\(url.absoluteString): transfer broke off after \(received) bytes (\(reason))"
    case .checksumMismatch(let expected, let actual):
      return "\(url.absoluteString): SHA-256 mismatch: expected \(expected), got \(actual) (the file was removed)"
    }
  }
}

/// Why `sprig data download` could not install a dataset. Nothing a loader
/// would take for the dataset is left behind by any of these.
public enum DownloadError: Error, CustomStringConvertible, LocalizedError, Equatable {
  /// Every mirror was tried for `file` and none gave the published bytes.
  case allMirrorsFailed(file: String, attempts: [DownloadAttempt], folder: String)
  /// Writing under `path` failed (disk full, read-only, permissions); the partial file was removed.
  case writeFailed(path: String, reason: String)
  /// No root could take the download.
  case unwritableRoot(path: String, reason: String)
  /// A verified archive could not be unpacked, or lacked a member.
  case unpackFailed(archive: String, reason: String)
  /// A member of a verified archive does not have its published SHA-256.
  case memberMismatch(path: String, expected: String, actual: String)

  /// The full message: what failed, what was tried, and what to do.
  public var description: String {
    switch self {
    case .allMirrorsFailed(let file, let attempts, let folder):
      let tried = attempts.map { "  - \($0)" }.joined(separator: "\n")
      let unreachable = attempts.allSatisfy { if case .unreachable = $0.failure { return true } else { return false } }
      let first = unreachable ? "could not reach any mirror for \(file)" : "could not download \(file)"
      return """
        \(first). Tried:
        \(tried)
        Use --mirror URL (a folder holding the original file names), or put the files in \(folder) \
        and run `sprig data verify`.
        """
    case .writeFailed(let path, let reason):
      return "\(path): cannot write (\(reason)). Free some space or choose another folder with --root DIR."
    case .unwritableRoot(let path, let reason):
      return "no data root can take the download (\(reason)); first candidate \(path). "
        + "Choose a writable folder with --root DIR, or set SPRIG_DATA=DIR."
    case .unpackFailed(let archive, let reason):
      return "\(archive): cannot unpack (\(reason)). Remove it and download again."
    case .memberMismatch(let path, let expected, let actual):
      return "\(path): SHA-256 mismatch inside a verified archive: expected \(expected), got \(actual). "
        + "The unpacked files were removed; download again."
    }
  }

  /// The same message as ``description``, for `localizedDescription`.
  public var errorDescription: String? { description }
}
