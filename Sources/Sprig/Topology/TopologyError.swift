// TopologyError: what a user can get wrong when describing a topology.

/// Errors from topology parameters and topology files that a user can cause.
public enum TopologyError: Error, Equatable, CustomStringConvertible {
  /// A parameter is out of its range; the message says which and what to use.
  case invalidParameter(String)
  /// A Matrix Market file could not be read; `line` is 1-based (0 when the
  /// whole file is at fault, e.g. it does not exist).
  case matrixMarket(file: String, line: Int, reason: String)

  public var description: String {
    switch self {
    case .invalidParameter(let why):
      return "Invalid topology: \(why)"
    case .matrixMarket(let file, let line, let reason):
      let place = line > 0 ? "\(file):\(line)" : file
      return "\(place): \(reason) (Sprig reads Matrix Market 'matrix coordinate real|integer|pattern general' files with 1-based row (output unit) and column (input unit) indices.)"
    }
  }
}
