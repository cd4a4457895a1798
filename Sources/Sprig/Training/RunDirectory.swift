// RunDirectory: a training run's folder — metrics.jsonl and model.safetensors.
import Foundation

/// The folder a training run writes: `metrics.jsonl` (one JSON object per
/// epoch) and `model.safetensors` (the checkpoint after the latest epoch,
/// replaced atomically, so the last good one survives a crash or a NaN).
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

  /// Creates `url` if needed and starts an empty metrics log — or, when
  /// `resuming`, keeps the folder as it is for ``Trainer/resume(from:)``.
  public init(url: URL, scaling: FeatureScaling?, info: [String: String] = [:], resuming: Bool = false) throws {
    self.url = url
    self.scaling = scaling
    self.info = info
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    if !resuming { try Data().write(to: metricsURL) }
    hasCheckpoint = resuming && FileManager.default.fileExists(atPath: checkpointURL.path)
  }

  /// Replaces the metrics log with `history` (a resumed run drops the lines
  /// of epochs it is about to train again).
  public func replaceMetrics(with history: [EpochMetrics]) throws {
    try Data().write(to: metricsURL)
    for metrics in history { try append(metrics) }
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
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var line = try encoder.encode(value)
    line.append(0x0A)
    if !FileManager.default.fileExists(atPath: file.path) { try Data().write(to: file) }
    let handle = try FileHandle(forWritingTo: file)
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: line)
  }

  /// Writes the checkpoint of `model` after the epoch `metrics` describes.
  public func writeCheckpoint(model: Sequential, metrics: EpochMetrics) throws {
    var facts = info
    facts["epoch"] = String(metrics.epoch)
    facts["test_accuracy"] = String(metrics.testAccuracy)
    try Checkpoint(model: model, scaling: scaling, info: facts).write(to: checkpointURL)
    hasCheckpoint = true
  }
}
