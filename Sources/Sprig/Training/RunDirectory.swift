// RunDirectory: a training run's folder — metrics.jsonl and model.safetensors.
import Foundation

/// The folder a training run writes: `metrics.jsonl` (one JSON object per
/// epoch) and `model.safetensors` (the checkpoint after the latest epoch,
/// replaced atomically and synced through ``DurableFile``, so the last good
/// one survives a crash, a power cut, a full disk or a NaN). One run writes
/// a folder at a time: the instance holds the folder's `.lock`.
public final class RunDirectory {
  public let url: URL
  /// Input scaling saved with each checkpoint.
  public let scaling: FeatureScaling?
  /// Facts saved in each checkpoint's metadata (dataset, options, …).
  public var info: [String: String]
  /// Whether a checkpoint has been written in this run.
  public private(set) var hasCheckpoint = false

  public var metricsURL: URL { url.appendingPathComponent("metrics.jsonl") }
  public var checkpointURL: URL { url.appendingPathComponent("model.safetensors") }
  public var degreesURL: URL { url.appendingPathComponent("degrees.jsonl") }
  /// The ``ResumeState`` after the latest epoch, while the run is unfinished.
  public var resumeURL: URL { url.appendingPathComponent("resume.safetensors") }
  /// Whether an unfinished run left a state to resume from.
  public var canResume: Bool { FileManager.default.fileExists(atPath: resumeURL.path) }

  /// The folder's lock, held from before the first change to the folder
  /// until this value is released.
  private let lock: RunDirectoryLock
  /// The epochs of the checkpoint and resume state on disk, named when a
  /// later write fails.
  public private(set) var checkpointEpoch: Int?, resumeEpoch: Int?

  /// Creates `url` if needed, locks it against other runs, and starts empty
  /// logs — or, when `resuming`, keeps the folder as it is for
  /// ``Trainer/resume(from:)``.
  /// - Throws: ``RunDirectoryError/locked(path:holderPID:host:alive:)`` when
  ///   another process is writing the folder; nothing in it is changed then.
  public init(url: URL, scaling: FeatureScaling?, info: [String: String] = [:], resuming: Bool = false) throws {
    self.url = url
    self.scaling = scaling
    self.info = info
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    lock = try RunDirectoryLock(folder: url)
    removeInterruptedWrites()
    if resuming {
      hasCheckpoint = FileManager.default.fileExists(atPath: checkpointURL.path)
    } else {
      try startOver()
    }
  }

  /// Empties the logs and drops any checkpoint and resume state, for a run
  /// that starts at epoch 1 in a folder an earlier run may have used: left
  /// behind, an earlier run's files would be taken for this run's.
  public func startOver() throws {
    try DurableFile.write(Data(), to: metricsURL)
    for stale in [degreesURL, resumeURL, checkpointURL] where FileManager.default.fileExists(atPath: stale.path) {
      try FileManager.default.removeItem(at: stale)
    }
    hasCheckpoint = false
    (checkpointEpoch, resumeEpoch) = (nil, nil)
  }

  /// Temporary files of writes a killed process never finished: safe to
  /// delete, as the lock says no one else is writing.
  private func removeInterruptedWrites() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    for name in names where name.hasPrefix(".") && name.contains(DurableFile.temporaryMarker) {
      try? FileManager.default.removeItem(at: url.appendingPathComponent(name))
    }
  }

  /// Replaces the metrics log with `history` (a resumed run drops the lines
  /// of epochs it is about to train again), and drops degree records after
  /// its last epoch and a torn last record.
  public func replaceMetrics(with history: [EpochMetrics]) throws {
    try DurableFile.write(Data(try history.map(Self.line).joined()), to: metricsURL)
    let last = history.last?.epoch ?? 0
    checkpointEpoch = hasCheckpoint ? history.last?.epoch : nil
    resumeEpoch = history.last?.epoch
    if FileManager.default.fileExists(atPath: degreesURL.path) {
      let kept = try JSONLines.read(DegreeRecord.self, from: degreesURL).filter { $0.epoch <= last }
      try DurableFile.write(Data(try kept.map(Self.line).joined()), to: degreesURL)
    }
  }

  /// A fresh folder under `runs/` named for the time and seed.
  public static func freshURL(root: URL = URL(fileURLWithPath: "runs"), name: String) -> URL {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.dateFormat = "yyyyMMdd-HHmmss"
    var candidate = root.appendingPathComponent("\(f.string(from: Date()))-\(name)")
    var n = 2
    while FileManager.default.fileExists(atPath: candidate.path) {
      candidate = root.appendingPathComponent("\(f.string(from: Date()))-\(name)-\(n)")
      n += 1
    }
    return candidate
  }

  /// Appends one epoch's metrics as a JSON line.
  public func append(_ metrics: EpochMetrics) throws { try appendLine(metrics, to: metricsURL) }

  /// Appends one degree record as a JSON line of `degrees.jsonl`.
  public func append(_ degrees: DegreeRecord) throws { try appendLine(degrees, to: degreesURL) }

  private func appendLine<T: Encodable>(_ value: T, to file: URL) throws {
    try DurableFile.append(try Self.line(value), to: file)
  }

  /// `value` as one sorted-keys JSON line.
  private static func line<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var line = try encoder.encode(value)
    line.append(0x0A)
    return line
  }

  /// Writes `data` as the file `name` of the folder (a picture, a report),
  /// durably, like the checkpoint.
  public func write(_ data: Data, named name: String) throws {
    try DurableFile.write(data, to: url.appendingPathComponent(name))
  }

  /// Writes the checkpoint of `model` after the epoch `metrics` describes.
  public func writeCheckpoint(model: Sequential, metrics: EpochMetrics) throws {
    var facts = info
    facts["epoch"] = String(metrics.epoch)
    facts["test_accuracy"] = String(metrics.testAccuracy)
    try saving { try Checkpoint(model: model, scaling: scaling, info: facts).write(to: checkpointURL) }
    hasCheckpoint = true
    checkpointEpoch = metrics.epoch
  }

  /// Writes the state to resume from after epoch `epoch`.
  public func writeResumeState(_ state: ResumeState, epoch: Int) throws {
    try saving { try state.write(to: resumeURL) }
    resumeEpoch = epoch
  }

  /// Runs a checkpoint or resume-state write; a failed write (the old file
  /// kept) becomes the error that names the epochs still on disk.
  private func saving(_ write: () throws -> Void) throws {
    do {
      try write()
    } catch let error as DurableFileError where error.step != .syncFolder {
      throw RunDirectoryError.checkpointNotWritten(
        folder: url.path, cause: error, checkpointEpoch: checkpointEpoch, resumeEpoch: resumeEpoch)
    }
  }

  /// Removes the resume state once the last epoch is saved: the run is done.
  public func finishResumeState() throws {
    if FileManager.default.fileExists(atPath: resumeURL.path) { try FileManager.default.removeItem(at: resumeURL) }
    DurableFile.syncFolder(of: resumeURL)
    resumeEpoch = nil
  }
}
