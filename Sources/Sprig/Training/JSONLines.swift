// JSONLines: reads a run's JSON-lines logs, tolerating a crash's torn tail.
import Foundation

/// Reads `metrics.jsonl` / `degrees.jsonl`-style files: one JSON value a line.
///
/// Lines are appended and synced one at a time, so a crash or a full disk can
/// only tear the *last* line (no newline, or cut-off JSON). That line is
/// dropped with a warning; any earlier bad line is damage and a typed error.
public enum JSONLines {
  /// Where warnings about dropped lines go; stderr unless a test listens.
  nonisolated(unsafe) static var warn: (String) -> Void = { message in
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
  }

  /// The values of `url`'s lines, without a torn last line.
  /// - Throws: ``RunDirectoryError/damagedLog(path:line:reason:)`` for a bad
  ///   line before the last; the file system's error if it cannot be read.
  public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> [T] {
    try decode(type, from: try Data(contentsOf: url), path: url.path)
  }

  /// The values of `data`'s lines; `path` names the file in errors.
  public static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> [T] {
    var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
    let terminated = lines.last?.isEmpty ?? true
    if terminated { lines.removeLast() }
    let decoder = JSONDecoder()
    var values: [T] = []
    for (i, line) in lines.enumerated() {
      let isLast = i == lines.count - 1
      if isLast && !terminated {
        warn("\(path): dropped the last line \(i + 1), cut off by an interrupted write (no newline at its end)")
        break
      }
      do {
        values.append(try decoder.decode(T.self, from: Data(line)))
      } catch {
        if isLast {
          warn("\(path): dropped the last line \(i + 1), not valid JSON (an interrupted write)")
          break
        }
        throw RunDirectoryError.damagedLog(path: path, line: i + 1, reason: error.localizedDescription)
      }
    }
    return values
  }
}
