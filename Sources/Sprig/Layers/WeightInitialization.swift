// WeightInitialization: how a layer's first weights are drawn.

/// How weights are drawn, scaled for each unit's **actual** fan-in.
///
/// For a sparse layer the fan-in of output unit `i` is its in-degree (the
/// connections it really has), not the dense layer's `inputSize`: scaling
/// for the dense fan-in makes a sparse net start with tiny activations and
/// learn slowly (about 3 points lower after 10 epochs on Fashion-MNIST in
/// the foundation issue's measurements).
public enum WeightInitialization: String, Codable, CaseIterable, Sendable {
  /// Normal with std `√(2 / fanIn)` (He et al. 2015): for ReLU-like units.
  case heNormal = "he-normal"
  /// Uniform in `±√(6 / fanIn)`: He's variance with bounded draws.
  case heUniform = "he-uniform"
  /// Uniform in `±√(6 / (fanIn + fanOut))` (Glorot & Bengio 2010): for tanh and sigmoid.
  case glorotUniform = "glorot-uniform"

  /// One weight for a unit with `fanIn` inputs, in a layer whose average
  /// fan-out is `fanOut`.
  func sample(fanIn: Int, fanOut: Double, using rng: inout SeededGenerator) -> Float {
    let n = Float(max(fanIn, 1))
    switch self {
    case .heNormal:
      return rng.nextNormal() * (2 / n).squareRoot()
    case .heUniform:
      return (2 * rng.nextUnitFloat() - 1) * (6 / n).squareRoot()
    case .glorotUniform:
      return (2 * rng.nextUnitFloat() - 1) * (6 / (n + Float(fanOut))).squareRoot()
    }
  }

  /// The standard deviation of ``sample(fanIn:fanOut:using:)`` for `fanIn`.
  func standardDeviation(fanIn: Int, fanOut: Double) -> Float {
    let n = Float(max(fanIn, 1))
    switch self {
    case .heNormal, .heUniform: return (2 / n).squareRoot()
    case .glorotUniform: return (2 / (n + Float(fanOut))).squareRoot()
    }
  }
}
