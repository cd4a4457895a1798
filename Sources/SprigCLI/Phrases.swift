// Phrases: small pieces of English the commands print.
import Foundation

/// "1 thread", "2 threads".
func threadsPhrase(_ count: Int) -> String { count == 1 ? "1 thread" : "\(count) threads" }

/// A byte count as people read it: "9.9 MB", "170.1 MB", "812 B" (decimal units, as download tools print).
func bytesPhrase(_ bytes: Int) -> String {
  let value = Double(bytes)
  switch bytes {
  case ..<1_000: return "\(bytes) B"
  case ..<1_000_000: return String(format: "%.1f kB", value / 1e3)
  case ..<1_000_000_000: return String(format: "%.1f MB", value / 1e6)
  default: return String(format: "%.2f GB", value / 1e9)
  }
}
