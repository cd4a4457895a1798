// SpecialFunctions: the namespace for the Double-precision special functions of the statistics.
import Foundation

/// Special functions used by Sprig's degree-distribution statistics, all in
/// `Double` and implemented here (only `lgamma`, `erfc`, `log1p` and `pow`
/// come from the C library).
///
/// Each function lives in its own file: ``hurwitzZeta(_:_:)``
/// (HurwitzZeta.swift), ``regularizedUpperGamma(_:_:)`` and
/// ``chiSquaredSurvival(_:degreesOfFreedom:)`` (IncompleteGamma.swift),
/// ``normalSurvival(_:)`` and ``normalCDF(_:)`` here.
public enum SpecialFunctions {
  /// The standard normal upper tail `Φ̄(z) = P(Z > z) = ½·erfc(z/√2)`,
  /// accurate in the far upper tail (no `1 − Φ` cancellation).
  public static func normalSurvival(_ z: Double) -> Double {
    0.5 * erfc(z / 2.0.squareRoot())
  }

  /// The standard normal CDF `Φ(z) = ½·erfc(−z/√2)`, accurate in the far lower tail.
  public static func normalCDF(_ z: Double) -> Double {
    0.5 * erfc(-z / 2.0.squareRoot())
  }
}
