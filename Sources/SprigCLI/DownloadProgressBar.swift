// DownloadProgressBar: a download's progress as a bar on a terminal, as plain lines elsewhere.
import Foundation
import Sprig

#if canImport(Glibc)
  import Glibc
#endif

/// Shows ``DownloadEvent``s on standard error: a bar redrawn in place with
/// bytes/s and ETA when standard error is a terminal, one line per step
/// otherwise (logs, CI), so that neither gets the other's clutter.
final class DownloadProgressBar: @unchecked Sendable {
  private let isTerminal: Bool
  private let lock = NSLock()
  private var started = Date()
  private var resumedAt = 0
  private var lastDraw = Date.distantPast

  init(isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
    self.isTerminal = isTerminal
  }

  func show(_ event: DownloadEvent) {
    lock.lock()
    defer { lock.unlock() }
    switch event {
    case .alreadyInstalled(let file):
      line("  \(file): already there, SHA-256 verified")
    case .started(let file, let url, let resumingAt):
      started = Date()
      resumedAt = resumingAt
      lastDraw = .distantPast
      let resume = resumingAt > 0 ? ", resuming at \(bytesPhrase(resumingAt))" : ""
      line("  \(file): \(url.absoluteString)\(resume)")
    case .received(let file, let bytes, let total):
      guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.1 || bytes == total else { return }
      lastDraw = Date()
      draw(file: file, bytes: bytes, total: total)
    case .verified(let file, let bytes, let fetched, let seconds):
      let rate = seconds > 0 ? " at \(bytesPhrase(Int(Double(fetched) / seconds)))/s" : ""
      line("  \(file): \(bytesPhrase(bytes)), SHA-256 verified (\(bytesPhrase(fetched)) in \(String(format: "%.1f", seconds)) s\(rate))")
    case .failed(let attempt):
      line("  failed: \(attempt)")
    case .unpacking(let file):
      line("  \(file): unpacking and verifying each file")
    }
  }

  /// A line, clearing a bar drawn before it.
  private func line(_ text: String) {
    FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + text + "\n").utf8))
  }

  private func draw(file: String, bytes: Int, total: Int?) {
    let elapsed = max(Date().timeIntervalSince(started), 1e-3)
    let rate = Double(bytes - resumedAt) / elapsed
    var text = "  \(file) "
    if let total, total > 0 {
      let fraction = min(1, Double(bytes) / Double(total))
      let width = 30
      let filled = Int(fraction * Double(width))
      let eta = rate > 0 ? String(format: "%.0f s", Double(total - bytes) / rate) : "--"
      text += "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
      text += String(format: "%3.0f%% ", fraction * 100)
      text += "\(bytesPhrase(bytes)) of \(bytesPhrase(total)), \(bytesPhrase(Int(rate)))/s, ETA \(eta)"
    } else {
      text += "\(bytesPhrase(bytes)), \(bytesPhrase(Int(rate)))/s"
    }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
  }
}
