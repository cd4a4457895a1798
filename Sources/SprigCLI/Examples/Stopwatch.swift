// Stopwatch: monotonic seconds for the examples' timings.
import Sprig
import Dispatch

/// Monotonic wall-clock time in seconds (not affected by clock changes).
enum Stopwatch {
  static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
}
