import Foundation
import XCTest

/// A tmpfs of a few megabytes, to fill for real. Mounting needs root (or
/// CAP_SYS_ADMIN): where it is refused the test skips, saying why.
struct SmallDisk {
  let url: URL

  init(megabytes: Int) throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-small-disk-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let mount = Process()
    mount.executableURL = URL(fileURLWithPath: "/bin/mount")
    mount.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", url.path]
    mount.standardError = FileHandle.nullDevice
    mount.standardOutput = FileHandle.nullDevice
    do { try mount.run() } catch {
      try? FileManager.default.removeItem(at: url)
      throw XCTSkip("cannot run /bin/mount (\(error)): no small tmpfs to fill")
    }
    mount.waitUntilExit()
    guard mount.terminationStatus == 0 else {
      try? FileManager.default.removeItem(at: url)
      throw XCTSkip("mounting a tmpfs is not permitted here (mount exited \(mount.terminationStatus); needs root): the full-disk fault-injection tests still run")
    }
  }

  func unmount() {
    let umount = Process()
    umount.executableURL = URL(fileURLWithPath: "/bin/umount")
    umount.arguments = [url.path]
    try? umount.run()
    umount.waitUntilExit()
    try? FileManager.default.removeItem(at: url)
  }
}
