// TripletMarginLoss: pull an anchor towards a positive and away from a negative.

/// The triplet margin loss (Schroff et al. 2015; PyTorch's
/// `TripletMarginLoss` with p = 2), averaged over the `B` samples (columns)
/// of anchor `a`, positive `p` and negative `n` (each `features × batch`):
///
///     L = (1/B) Σⱼ max(0, ‖aⱼ − pⱼ‖ − ‖aⱼ − nⱼ‖ + margin)
///
/// For a sample whose hinge is positive, with `u = (a − p)/‖a − p‖` and
/// `v = (a − n)/‖a − n‖`: `∂L/∂a = (u − v)/B`, `∂L/∂p = −u/B`,
/// `∂L/∂n = v/B`; other samples get zero gradients.
///
/// Each distance is `‖x‖ = √(Σ xᵢ² + ε)` with ``distanceEpsilon``: at zero
/// distance its gradient `x/‖x‖` is then 0 instead of 0/0 = NaN, and for
/// any distance above ~10⁻⁵ the ε is below Float's rounding.
///
/// It compares three inputs, so it does not conform to ``Loss``.
public struct TripletMarginLoss: Sendable {
  /// How much farther the negative must be than the positive before a
  /// sample stops contributing.
  public let margin: Float
  /// Added to each squared distance before the square root.
  public static let distanceEpsilon: Float = 1e-12
  /// A name for messages.
  public var name: String { "triplet-margin" }

  /// A triplet loss with the given margin (1 by default, as in PyTorch).
  public init(margin: Float = 1) { self.margin = margin }

  /// Returns the loss and writes ∂L/∂anchor, ∂L/∂positive and ∂L/∂negative
  /// (each reshaped to the inputs' shape).
  /// - Parameters:
  ///   - anchor: `features × batch`.
  ///   - positive: Same shape; should end up near the anchor.
  ///   - negative: Same shape; should end up at least `margin` farther.
  ///   - anchorGradient: Receives ∂L/∂anchor.
  ///   - positiveGradient: Receives ∂L/∂positive.
  ///   - negativeGradient: Receives ∂L/∂negative.
  /// The three gradients must be distinct matrices, none of them an input.
  public func callAsFunction(
    anchor: Matrix, positive: Matrix, negative: Matrix,
    anchorGradient: Matrix, positiveGradient: Matrix, negativeGradient: Matrix
  ) -> Float {
    let (features, batch) = (anchor.rows, anchor.columns)
    for (m, label) in [(positive, "positive"), (negative, "negative")] {
      precondition(m.rows == features && m.columns == batch, "\(name): \(label) is \(m.rows)×\(m.columns), anchor \(features)×\(batch)")
    }
    precondition(batch > 0, "\(name): empty batch")
    let outputs = [anchorGradient, positiveGradient, negativeGradient]
    for (i, g) in outputs.enumerated() {
      precondition(g !== anchor && g !== positive && g !== negative, "\(name): a gradient must not be an input")
      precondition(!outputs[..<i].contains { $0 === g }, "\(name): the three gradients must be distinct matrices")
      g.reshape(rows: features, columns: batch)
    }
    let (margin, epsilon, scale) = (self.margin, Self.distanceEpsilon, 1 / Float(batch))
    var total = 0.0
    anchor.elements.withUnsafeBufferPointer { a in
      positive.elements.withUnsafeBufferPointer { p in
        negative.elements.withUnsafeBufferPointer { n in
          anchorGradient.elements.withUnsafeMutableBufferPointer { da in
            positiveGradient.elements.withUnsafeMutableBufferPointer { dp in
              negativeGradient.elements.withUnsafeMutableBufferPointer { dn in
                for j in 0..<batch {
                  var (sp, sn): (Float, Float) = (0, 0)
                  for i in 0..<features {
                    let k = i * batch + j
                    sp += (a[k] - p[k]) * (a[k] - p[k])
                    sn += (a[k] - n[k]) * (a[k] - n[k])
                  }
                  let (dPositive, dNegative) = ((sp + epsilon).squareRoot(), (sn + epsilon).squareRoot())
                  let hinge = dPositive - dNegative + margin
                  let active = hinge > 0
                  if active { total += Double(hinge) }
                  let (cp, cn) = active ? (scale / dPositive, scale / dNegative) : (0, 0)
                  for i in 0..<features {
                    let k = i * batch + j
                    let u = (a[k] - p[k]) * cp, v = (a[k] - n[k]) * cn
                    da[k] = u - v
                    dp[k] = -u
                    dn[k] = v
                  }
                }
              }
            }
          }
        }
      }
    }
    return Float(total / Double(batch))
  }
}
