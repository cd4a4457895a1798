// ProgressDisplay: one line per epoch, redrawn in place on a terminal.
import Foundation

/// Shows training progress: on a terminal, one line redrawn in place
/// during the epoch; otherwise (a log file, CI) only the line that closes
/// each epoch, so logs stay readable.
public final class ProgressDisplay {
  /// Whether standard output is a terminal.
  public let isTerminal: Bool
  private var lastDraw = Date.distantPast
  private let output: (String) -> Void

  /// A display writing to standard output, or to `output` (for tests).
  public init(isTerminal: Bool? = nil, output: ((String) -> Void)? = nil) {
    self.isTerminal = isTerminal ?? (isatty(STDOUT_FILENO) != 0)
    // Through stdio like `print`, so lines from both never interleave out of
    // order when standard output is a file.
    self.output = output ?? { s in
      print(s, terminator: "")
      fflush(stdout)
    }
  }

  /// Redraws the running line (at most ten times a second): epoch, batch
  /// progress, running loss and accuracy (NaN: none), throughput and time left.
  public func update(
    epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, accuracy: Double,
    samplesPerSecond: Double, elapsed: Double
  ) {
    guard isTerminal else { return }
    let now = Date()
    guard batch == batches || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
    lastDraw = now
    let width = 24
    let filled = batches == 0 ? width : width * batch / batches
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let eta = batch > 0 ? elapsed / Double(batch) * Double(batches - batch) : 0
    output(
      "\r\u{1B}[2Kepoch \(epoch)/\(epochs) [\(bar)] \(batch)/\(batches)"
        + String(format: "  loss %.4f", loss) + (accuracy.isNaN ? "" : String(format: "  acc %.2f%%", accuracy * 100))
        + String(format: "  %.0f samples/s", samplesPerSecond)
        + "  ETA \(Self.duration(eta))")
  }

  /// Ends an epoch with its summary line.
  public func finishEpoch(_ line: String) {
    output((isTerminal ? "\r\u{1B}[2K" : "") + line + "\n")
  }

  /// Prints a plain line.
  public func message(_ line: String) { output(line + "\n") }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
  }
}
