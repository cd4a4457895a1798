// ArchiveUnpacker: the members of a verified .tar.gz moved, each verified, into a dataset's folder.
import Foundation

/// Unpacks downloaded archives with the system's `tar` (GNU tar is part of
/// every Debian system; it refuses members that climb out with `..`), so
/// that Sprig carries no tar reader of its own.
enum ArchiveUnpacker {
  /// Extracts `members` of `archive` into a hidden folder beside `folder`'s
  /// files, checks each member's SHA-256, then moves each into `folder`
  /// under its file name. On any failure the extracted files are removed
  /// and `archive` is left as it was.
  ///
  /// - Throws: ``DownloadError/unpackFailed(archive:reason:)``,
  ///   ``DownloadError/memberMismatch(path:expected:actual:)``.
  static func unpack(_ archive: URL, members: [ArchiveMember], into folder: URL) throws {
    let scratch = folder.appendingPathComponent(".unpack-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    do {
      try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    } catch {
      throw DownloadError.unpackFailed(archive: archive.path, reason: error.localizedDescription)
    }
    try runTar(["-xzf", archive.path, "-C", scratch.path] + members.map(\.path), archive: archive)
    var checked: [(URL, ArchiveMember)] = []
    for member in members {
      let extracted = scratch.appendingPathComponent(member.path)
      guard DataFile.exists(extracted) else {
        throw DownloadError.unpackFailed(archive: archive.path, reason: "\(member.path) is not in the archive")
      }
      let actual: String
      do {
        actual = try FileDigest.sha256(of: extracted)
      } catch {
        throw DownloadError.unpackFailed(archive: archive.path, reason: "\(member.path): \(error)")
      }
      guard actual == member.sha256 else {
        throw DownloadError.memberMismatch(path: member.path, expected: member.sha256, actual: actual)
      }
      checked.append((extracted, member))
    }
    for (extracted, member) in checked {
      let target = folder.appendingPathComponent(member.fileName)
      do {
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.moveItem(at: extracted, to: target)
      } catch {
        throw DownloadError.writeFailed(path: target.path, reason: error.localizedDescription)
      }
    }
  }

  private static func runTar(_ arguments: [String], archive: URL) throws {
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tar.arguments = ["tar"] + arguments
    let errors = Pipe()
    tar.standardError = errors
    tar.standardOutput = FileHandle.nullDevice
    do {
      try tar.run()
    } catch {
      throw DownloadError.unpackFailed(archive: archive.path, reason: "cannot run tar: \(error.localizedDescription)")
    }
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    tar.waitUntilExit()
    guard tar.terminationStatus == 0 else {
      let detail = message.trimmingCharacters(in: .whitespacesAndNewlines)
      throw DownloadError.unpackFailed(
        archive: archive.path, reason: "tar exited with \(tar.terminationStatus)\(detail.isEmpty ? "" : ": " + detail)")
    }
  }
}
