// RunDirectoryError: why a run folder cannot be used or written.
import Foundation

/// A run folder that is in use, unreadable, or could not take a write.
public enum RunDirectoryError: Error, CustomStringConvertible, LocalizedError, Equatable {
  /// Another process holds the folder's lock (`.lock`); `holderPID` is the
  /// PID it wrote there (nil if it had not yet), `alive` whether it runs.
  case locked(path: String, holderPID: Int32?, host: String?, alive: Bool)
  /// The lock file could not be opened or locked (read-only folder, …).
  case lockFailed(path: String, reason: String)
  /// A checkpoint or resume-state write failed; the epochs are those of the
  /// checkpoint and resume state still on disk (nil when there is none).
  case checkpointNotWritten(folder: String, cause: DurableFileError, checkpointEpoch: Int?, resumeEpoch: Int?)
  /// A line in the middle of a JSON-lines log is not valid: the file was
  /// edited or damaged, not torn by a crash (which only tears the last line).
  case damagedLog(path: String, line: Int, reason: String)

  public var description: String {
    switch self {
    case .locked(let path, let pid, let host, let alive):
      let holder =
        pid.map { "PID \($0)\(host.map { " on \($0)" } ?? "")\(alive ? ", alive" : "")" } ?? "a process that has not written its PID yet"
      let stop = pid.map { " stop it (kill \($0))," } ?? ""
      return "\(path) is in use by another sprig run (\(holder)): only one run may write a folder at a time. Wait for it to finish,\(stop) or pass another --out."
    case .lockFailed(let path, let reason):
      return "cannot lock \(path)/.lock: \(reason). Make the folder writable or pass another --out."
    case .checkpointNotWritten(let folder, let cause, let checkpoint, let resume):
      let kept = [
        checkpoint.map { "the checkpoint of epoch \($0) (model.safetensors)" },
        resume.map { "the resume state of epoch \($0) (resume.safetensors)" },
      ].compactMap { $0 }
      let keptText =
        kept.isEmpty ? "No epoch had been saved yet; " : "Kept intact: \(kept.joined(separator: " and ")); "
      let remedy = cause.isDiskFull ? "free space on that disk (df -h \(folder))" : "check the disk"
      let next =
        resume == nil
        ? "then train again" : "then run the same command with --resume to continue after epoch \(resume!)"
      return "checkpoint not written: \(cause.reason) while writing \(cause.path). \(keptText)\(remedy), \(next)."
    case .damagedLog(let path, let line, let reason):
      return "\(path): line \(line) is not a valid record (\(reason)) and is not the last line, so it is damage, not a torn write. Repair or delete that line, or start the run again without --resume."
    }
  }

  public var errorDescription: String? { description }
}
