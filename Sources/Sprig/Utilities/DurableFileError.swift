// DurableFileError: a durable write that failed, said in terms of what to do.
import Foundation

/// A ``DurableFile`` write that did not complete: which file, which step,
/// the system's reason, and whether the earlier file survived.
public struct DurableFileError: Error, CustomStringConvertible, LocalizedError, Equatable {
  public var path: String
  public var step: DurableFile.Step
  /// The errno the step failed with.
  public var code: Int32
  /// Whether a file from before is still at `path`, as it was.
  public var keptPrevious: Bool

  /// Whether the disk (or the user's quota) is full: the common cause, and
  /// the one with an obvious remedy.
  public var isDiskFull: Bool { code == ENOSPC || code == EDQUOT }

  /// What failed, e.g. "the disk is full (write: No space left on device)".
  public var reason: String {
    let system = "\(step.rawValue): \(String(cString: strerror(code)))"
    if isDiskFull { return "the disk is full (\(system))" }
    if code == EIO { return "the disk reported an input/output error (\(system))" }
    return system
  }

  public var description: String {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let kept =
      step == .syncFolder
      ? "The new \(name) is in place but may not survive a power cut."
      : keptPrevious ? "The earlier \(name) was kept intact." : "There was no earlier \(name)."
    let remedy = isDiskFull ? "Free space on that disk (df -h) and try again." : "Check the disk, then try again."
    return "could not write \(path): \(reason). \(kept) \(remedy)"
  }

  public var errorDescription: String? { description }
}
