// ElementwiseMean: the loop shared by losses that average one term per element.

/// Returns `(1/N) Σₖ term(pₖ, tₖ).value` over all `N` elements and writes
/// `term(pₖ, tₖ).derivative / N` into `gradient` (PyTorch's default
/// `reduction="mean"`).
///
/// The sum runs in Double so that the reported loss does not depend on the
/// batch size's rounding; the per-element maths stays in Float.
func meanOverElements(
  _ predictions: Matrix, _ targets: Matrix, gradient: Matrix, name: String,
  _ term: (_ p: Float, _ t: Float) -> (value: Float, derivative: Float)
) -> Float {
  checkLossArguments(predictions, targets, gradient: gradient, name: name)
  gradient.reshape(rows: predictions.rows, columns: predictions.columns)
  let scale = 1 / Float(predictions.count)
  var sum = 0.0
  predictions.elements.withUnsafeBufferPointer { ps in
    targets.elements.withUnsafeBufferPointer { ts in
      gradient.elements.withUnsafeMutableBufferPointer { gs in
        for k in 0..<ps.count {
          let (value, derivative) = term(ps[k], ts[k])
          sum += Double(value)
          gs[k] = derivative * scale
        }
      }
    }
  }
  return Float(sum / Double(predictions.count))
}
