// Normalization: how input features are scaled before training, and the statistics to redo it.
import Foundation

/// How features are scaled before training.
public enum Normalization: String, CaseIterable, Codable, Sendable {
  /// Pixels stay as loaded, in [0, 1].
  case unitRange = "unit"
  /// Each feature becomes `(x − mean) / max(std, floor)`, with mean and std
  /// taken from the training samples only (so the test set stays unseen);
  /// see ``FeatureScaling/defaultStdFloor`` for the floor.
  case standardize
}

/// Per-feature statistics that standardise features: `x ↦ (x − mean) / std`.
///
/// Fitted on the training split and stored with a trained model, so that
/// evaluation later scales new data exactly as training did.
public struct FeatureScaling: Codable, Equatable, Sendable {
  /// The mean of each feature over the training samples.
  public var mean: [Float]
  /// The divisor of each feature: its training standard deviation, floored.
  public var std: [Float]

  /// The smallest divisor ``fit(_:stdFloor:)`` uses, in pixel units ([0, 1]).
  ///
  /// MNIST's border pixels are 0 in every training image (std 0), and many
  /// near the border are lit in a handful of images (std ≈ 0.01). Dividing
  /// by such a std turns one lit test pixel into a value of 100 or more,
  /// which swamps every other input. With a floor of 0.1 no standardised
  /// value exceeds `1 / 0.1 = 10` in magnitude (pixels lie in [0, 1]); the
  /// rarely-lit features it touches (about 40 % of MNIST's, none of
  /// CIFAR-10's, whose stds are near 0.25) are still centred but scaled down
  /// rather than up, which suits features that carry little signal.
  public static let defaultStdFloor: Float = 0.1

  /// Statistics from their parts; `mean` and `std` have one entry per feature.
  public init(mean: [Float], std: [Float]) {
    precondition(mean.count == std.count, "FeatureScaling: \(mean.count) means, \(std.count) stds")
    precondition(std.allSatisfy { $0 > 0 }, "FeatureScaling: every std must be positive")
    self.mean = mean
    self.std = std
  }

  /// Decodes stored statistics, refusing ones that could not have been fitted
  /// (a damaged checkpoint must not divide by zero later).
  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let mean = try container.decode([Float].self, forKey: .mean)
    let std = try container.decode([Float].self, forKey: .std)
    guard mean.count == std.count, std.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: decoder.codingPath,
          debugDescription:
            "FeatureScaling: \(mean.count) means and \(std.count) stds, which must be equal in number, finite, and the stds positive"
        ))
    }
    self.init(mean: mean, std: std)
  }

  /// The per-feature mean and standard deviation of `data`, each std raised to at least `stdFloor`.
  public static func fit(_ data: LabeledData, stdFloor: Float = defaultStdFloor) -> FeatureScaling {
    precondition(stdFloor > 0, "FeatureScaling: stdFloor must be positive")
    let n = data.count
    let f = data.featureCount
    // Sums in Double: 60,000 Float additions would lose the low digits.
    var sum = [Double](repeating: 0, count: f)
    var sumOfSquares = [Double](repeating: 0, count: f)
    data.features.withUnsafeBufferPointer { x in
      sum.withUnsafeMutableBufferPointer { s in
        sumOfSquares.withUnsafeMutableBufferPointer { q in
          for i in 0..<n {
            let row = x.baseAddress! + i * f
            for k in 0..<f {
              let v = Double(row[k])
              s[k] += v
              q[k] += v * v
            }
          }
        }
      }
    }
    let count = Double(max(n, 1))
    let mean = sum.map { Float($0 / count) }
    let std = (0..<f).map { k -> Float in
      let m = sum[k] / count
      let variance = max(0, sumOfSquares[k] / count - m * m)
      return max(Float(variance.squareRoot()), stdFloor)
    }
    return FeatureScaling(mean: mean, std: std)
  }

  /// Standardises `data`'s features in place; `data` must have `mean.count` features.
  public func apply(to data: inout LabeledData) {
    precondition(
      data.featureCount == mean.count && std.count == mean.count,
      "FeatureScaling: fitted on \(mean.count) features, applied to \(data.featureCount)")
    let n = data.count
    let f = data.featureCount
    let inverse = std.map { 1 / $0 }
    mean.withUnsafeBufferPointer { m in
      inverse.withUnsafeBufferPointer { s in
        data.features.withUnsafeMutableBufferPointer { x in
          for i in 0..<n {
            let row = x.baseAddress! + i * f
            for k in 0..<f { row[k] = (row[k] - m[k]) * s[k] }
          }
        }
      }
    }
  }
}

extension DatasetSplit {
  /// Scales both halves as `normalization` says, with statistics from the training half.
  ///
  /// - Returns: the scaling applied (store it with the model so evaluation
  ///   can repeat it), or `nil` for ``Normalization/unitRange``, which changes nothing.
  @discardableResult
  public mutating func normalize(
    _ normalization: Normalization, stdFloor: Float = FeatureScaling.defaultStdFloor
  ) -> FeatureScaling? {
    switch normalization {
    case .unitRange:
      return nil
    case .standardize:
      let scaling = FeatureScaling.fit(train, stdFloor: stdFloor)
      scaling.apply(to: &train)
      scaling.apply(to: &test)
      return scaling
    }
  }
}
