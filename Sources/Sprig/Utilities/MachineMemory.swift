// MachineMemory: how much memory this process may still take, as Linux reports it.
import Foundation

/// The memory available to this process: the kernel's `MemAvailable`
/// (free memory plus what page cache it can drop), lowered to what the
/// process's cgroup still allows when it has a `memory.max` (containers,
/// systemd slices), since that is the limit the OOM killer enforces.
public struct MachineMemory: Sendable, Equatable {
  public var bytes: Int
  /// Where the figure came from, for messages ("MemAvailable in /proc/meminfo").
  public var source: String

  public static func available() -> MachineMemory {
    var result = MachineMemory(bytes: Int.max / 2, source: "no memory figure found")
    if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
      let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
      let kiB = Int(line.split(separator: " ").dropFirst().first ?? "")
    {
      result = MachineMemory(bytes: kiB * 1024, source: "MemAvailable in /proc/meminfo")
    }
    let cgroup = "/sys/fs/cgroup"
    if let max = try? String(contentsOfFile: "\(cgroup)/memory.max", encoding: .utf8),
      let limit = Int(max.trimmingCharacters(in: .whitespacesAndNewlines)),
      let current = (try? String(contentsOfFile: "\(cgroup)/memory.current", encoding: .utf8))
        .flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
      limit - current < result.bytes
    {
      result = MachineMemory(bytes: Swift.max(limit - current, 0), source: "the cgroup's memory.max less memory.current")
    }
    return result
  }
}

/// Byte counts as people write them.
public enum ByteCount {
  /// "512 B", "3.4 MiB", "21.8 GiB".
  public static func phrase(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes), unit = 0
    while value >= 1024 && unit < units.count - 1 { (value, unit) = (value / 1024, unit + 1) }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
  }

  /// Reads "8G", "8GiB", "8GB", "512M", "1.5g", "100000": powers of 1024
  /// for K, M, G, T with or without "iB"/"B" (as `ulimit`, Docker and Slurm
  /// read them); nil for anything else.
  public static func parse(_ text: String) -> Int? {
    var s = text.trimmingCharacters(in: .whitespaces).uppercased()
    for suffix in ["IB", "B"] where s.hasSuffix(suffix) && s.count > suffix.count {
      s.removeLast(suffix.count)
      break
    }
    let scales: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
    var scale = 1.0
    if let last = s.last, let unit = scales[last] { (scale, s) = (unit, String(s.dropLast())) }
    guard let number = Double(s.trimmingCharacters(in: .whitespaces)), number.isFinite, number > 0 else { return nil }
    let bytes = number * scale
    return bytes < Double(Int.max / 2) ? Int(bytes) : nil
  }
}
