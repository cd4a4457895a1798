// Sprig: sparse neural networks with locally connected and evolving topologies.

/// Library-wide facts.
public enum Sprig {
  /// Sprig's version.
  public static let version = "0.1.0"
}
