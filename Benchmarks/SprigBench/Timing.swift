// Timing: medians of repeated runs, and the facts a benchmark header records.
import Foundation
import Sprig

enum Timing {
  /// Median seconds per call of `body` over `samples` samples, each
  /// repeating the call enough times to last about `sampleSeconds`.
  static func median(samples: Int = 5, sampleSeconds: Double = 0.05, _ body: () -> Void) -> Double {
    body()  // warm caches, page in buffers
    let t0 = Date()
    body()
    let once = max(Date().timeIntervalSince(t0), 1e-7)
    let repeats = max(1, Int(sampleSeconds / once))
    var times: [Double] = []
    for _ in 0..<samples {
      let start = Date()
      for _ in 0..<repeats { body() }
      times.append(Date().timeIntervalSince(start) / Double(repeats))
    }
    return times.sorted()[times.count / 2]
  }

  /// Median seconds per call of each body, their samples taken in turn
  /// (a, b, a, b, …) so that a noisy machine's slow spells fall on both:
  /// how two variants of the same work are compared.
  static func interleavedMedians(
    samples: Int = 9, sampleSeconds: Double = 0.03, _ a: () -> Void, _ b: () -> Void
  ) -> (Double, Double) {
    a()
    b()
    let t0 = Date()
    a()
    let once = max(Date().timeIntervalSince(t0), 1e-7)
    let repeats = max(1, Int(sampleSeconds / once))
    var times: ([Double], [Double]) = ([], [])
    for _ in 0..<samples {
      var start = Date()
      for _ in 0..<repeats { a() }
      times.0.append(Date().timeIntervalSince(start) / Double(repeats))
      start = Date()
      for _ in 0..<repeats { b() }
      times.1.append(Date().timeIntervalSince(start) / Double(repeats))
    }
    return (times.0.sorted()[samples / 2], times.1.sorted()[samples / 2])
  }
}

enum Machine {
  /// The CPU's model name with its family and model numbers: guests often
  /// see only "AMD EPYC", which names Zen 3, 4 and 5 alike.
  static var cpuModel: String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    func field(_ key: String) -> String? {
      let line = info.split(separator: "\n").first { $0.hasPrefix(key) && $0.contains(":") }
      return line.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
    }
    let name = field("model name") ?? "unknown"
    guard let family = field("cpu family"), let model = field("model\t") else { return name }
    return "\(name) (family \(family) model \(model))"
  }

  static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

  /// The CPU and its cores, as the records name the machine.
  static var name: String { "\(cpuModel), \(cores) cores" }

  /// Peak resident set size of this process, in bytes (from /proc/self/status).
  static var peakRSS: Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
      return kb * 1024
    }
    return 0
  }

  /// Resets the kernel's peak-RSS mark for this process, so each run of a
  /// suite reports its own peak.
  static func resetPeakRSS() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
  }

  /// The commit of the working tree when the benchmark started (with
  /// `-dirty` if tracked files differed from it), if it is a git checkout.
  /// Read once: a long suite's records name the code they ran, not the
  /// commit checked out when they finished.
  static let gitCommit: String = {
    func git(_ arguments: [String]) -> String? {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      p.arguments = ["git"] + arguments
      let pipe = Pipe()
      p.standardOutput = pipe
      p.standardError = FileHandle.nullDevice
      guard (try? p.run()) != nil else { return nil }
      let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      p.waitUntilExit()
      return p.terminationStatus == 0 ? out.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }
    guard let commit = git(["rev-parse", "--short", "HEAD"]), !commit.isEmpty else { return "unknown" }
    let dirty = !(git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
    return commit + (dirty ? "-dirty" : "")
  }()

  /// How this benchmark was invoked, for the records.
  static var commandLine: String {
    (["sprig-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
  }

  /// Prints, to standard error, what would make this machine's figures
  /// misleading (OpenBLAS on the wrong kernels halves every dense figure).
  static func warnAboutSetup() {
    if let warning = BLAS.coreMismatchWarning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
  }

  /// Sprig's thread count for a header line: "1 thread", "2 threads".
  static var threadsInUse: String {
    Parallel.threadCount == 1 ? "1 thread" : "\(Parallel.threadCount) threads"
  }

  static var header: String {
    "\(cpuModel), \(cores) cores, kernels \(SparseKernels.instructionSet.rawValue), Sprig \(Sprig.version), "
      + "GraphBLAS \(GraphBLASMatrix.libraryVersion), \(BLAS.libraryVersion), \(Date().formatted(.iso8601))"
  }
}

/// Writes `value` as the records' JSON: pretty-printed, keys sorted.
func writeRecordJSON(_ value: some Encodable, to url: URL, atomically: Bool = false) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try encoder.encode(value).write(to: url, options: atomically ? .atomic : [])
}
