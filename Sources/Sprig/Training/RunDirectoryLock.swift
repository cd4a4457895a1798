// RunDirectoryLock: one writer per run folder, through flock on `.lock`.
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive advisory lock on a run folder, held while the value lives.
///
/// `flock` rather than a PID file alone: the kernel drops the lock when its
/// holder dies, however it dies, so a folder whose run was SIGKILLed is free
/// again at once, and the PID left in the file is only a hint to overwrite.
final class RunDirectoryLock {
  let fd: Int32

  /// Takes the lock on `folder` (which must exist) or throws
  /// ``RunDirectoryError/locked(path:holderPID:host:alive:)`` naming the
  /// holder, without waiting.
  init(folder: URL) throws {
    let url = folder.appendingPathComponent(".lock")
    fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
    guard fd >= 0 else {
      throw RunDirectoryError.lockFailed(path: folder.path, reason: String(cString: strerror(errno)))
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      let holder = Self.holder(fd)
      _ = close(fd)
      guard code == EWOULDBLOCK else {
        throw RunDirectoryError.lockFailed(path: folder.path, reason: String(cString: strerror(code)))
      }
      let alive = holder.pid.map { kill($0, 0) == 0 || errno == EPERM } ?? false
      throw RunDirectoryError.locked(path: folder.path, holderPID: holder.pid, host: holder.host, alive: alive)
    }
    // Written after locking: a reader that finds the file locked reads the
    // holder's own PID, never a loser's.
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, host.count - 1)
    let text = "\(getpid()) \(String(cString: host))\n"
    _ = ftruncate(fd, 0)
    _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
  }

  deinit { _ = close(fd) }

  /// The PID and host in the lock file.
  private static func holder(_ fd: Int32) -> (pid: Int32?, host: String?) {
    var buffer = [UInt8](repeating: 0, count: 512)
    let n = pread(fd, &buffer, buffer.count, 0)
    guard n > 0 else { return (nil, nil) }
    let parts = String(decoding: buffer[..<n], as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
    return (parts.first.flatMap { Int32($0) }, parts.count > 1 ? String(parts[1]) : nil)
  }
}
