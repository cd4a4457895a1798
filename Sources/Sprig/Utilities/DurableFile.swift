// DurableFile: whole-file replacements and log appends that survive a crash,
// a power cut or a full disk.
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes that either happen completely or leave the earlier file as it was.
///
/// A plain write-and-rename is atomic against a crashed *process*, but not
/// against a crashed *machine*: without `fsync` the kernel may persist the
/// rename before the data, leaving an empty or partial file under the final
/// name. So every whole-file write goes temp file → `fsync` → `rename` →
/// `fsync` of the folder, and every appended log line is `fsync`ed.
public enum DurableFile {
  /// The steps a write goes through, named in errors and for fault injection.
  public enum Step: String, Sendable {
    case create, write, sync, close, rename, syncFolder = "sync folder", open
  }

  /// Test-only: returns an errno to make `step` fail as if the system had
  /// (e.g. `ENOSPC` on `.write`) for the file at the given path. A write that
  /// fails is half done first, so the test sees what a real full disk leaves.
  nonisolated(unsafe) static var faultInjection: ((Step, String) -> Int32?)?

  /// The marker in temporary files' names: a folder scan that finds one
  /// knows a write was interrupted.
  public static let temporaryMarker = ".tmp-"

  /// The temporary file `url` is written through, beside it so the rename
  /// stays within one file system.
  static func temporaryURL(for url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent)\(temporaryMarker)\(getpid())")
  }

  /// Replaces `url` with `data` durably. On failure the temporary file is
  /// removed, whatever was at `url` is untouched, and the error names the
  /// step and the errno.
  public static func write(_ data: Data, to url: URL) throws {
    let temporary = temporaryURL(for: url)
    let existed = FileManager.default.fileExists(atPath: url.path)
    func fail(_ step: Step, _ code: Int32, _ fd: Int32? = nil) -> DurableFileError {
      if let fd { _ = close(fd) }
      unlink(temporary.path)
      return DurableFileError(path: url.path, step: step, code: code, keptPrevious: existed)
    }
    let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    if let code = injected(.create, url) ?? (fd < 0 ? errno : nil) { throw fail(.create, code, fd < 0 ? nil : fd) }
    if let code = writeAll(data, to: fd, url: url) { throw fail(.write, code, fd) }
    if let code = injected(.sync, url) ?? (fsync(fd) != 0 ? errno : nil) { throw fail(.sync, code, fd) }
    // close reports delayed write errors on some file systems (NFS).
    if let code = injected(.close, url) ?? (close(fd) != 0 ? errno : nil) { throw fail(.close, code) }
    if let code = injected(.rename, url) ?? (rename(temporary.path, url.path) != 0 ? errno : nil) {
      throw fail(.rename, code)
    }
    // The new name is in place; a folder that will not sync only risks the
    // rename after a power cut, which the error reports.
    if let code = syncFolder(of: url) {
      throw DurableFileError(path: url.path, step: .syncFolder, code: code, keptPrevious: false)
    }
  }

  /// Appends `data` (one or more whole lines) to `url`, creating it if
  /// needed, and syncs it, so a line a reader saw survives a power cut.
  public static func append(_ data: Data, to url: URL) throws {
    let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
    if let code = injected(.open, url) ?? (fd < 0 ? errno : nil) {
      if fd >= 0 { _ = close(fd) }
      throw DurableFileError(path: url.path, step: .open, code: code, keptPrevious: true)
    }
    defer { _ = close(fd) }
    if let code = writeAll(data, to: fd, url: url) {
      throw DurableFileError(path: url.path, step: .write, code: code, keptPrevious: true)
    }
    if let code = injected(.sync, url) ?? (fsync(fd) != 0 ? errno : nil) {
      throw DurableFileError(path: url.path, step: .sync, code: code, keptPrevious: true)
    }
  }

  /// Syncs the folder holding `url`, which makes a create or rename in it
  /// durable. Returns the errno on failure.
  @discardableResult
  public static func syncFolder(of url: URL) -> Int32? {
    if let code = injected(.syncFolder, url) { return code }
    let fd = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return errno }
    defer { _ = close(fd) }
    return fsync(fd) != 0 ? errno : nil
  }

  private static func injected(_ step: Step, _ url: URL) -> Int32? { faultInjection?(step, url.path) }

  /// Writes every byte, retrying short writes and EINTR; returns the errno
  /// of a failure. An injected failure writes half the bytes first.
  private static func writeAll(_ data: Data, to fd: Int32, url: URL) -> Int32? {
    let failure = injected(.write, url)
    return data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32? in
      var done = 0
      let end = failure == nil ? buffer.count : buffer.count / 2
      while done < end {
        let n = systemWrite(fd, buffer.baseAddress! + done, end - done)
        if n < 0 {
          if errno == EINTR { continue }
          return errno
        }
        done += n
      }
      return failure
    }
  }

  private static func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
      Glibc.write(fd, bytes, count)
    #else
      Darwin.write(fd, bytes, count)
    #endif
  }
}
