// Finite-difference check for losses: central differences of the loss value, taken in Double.
import XCTest
@testable import Sprig

/// Compares `analytic` (∂L/∂input as computed) with `(L(x+h) − L(x−h)) / 2h`
/// for every element of `input`, where `loss()` re-evaluates L after
/// `input` is perturbed in place. The step actually taken is the Float
/// difference `(x+h) − (x−h)`, so rounding of `x ± h` does not bias the quotient.
func checkGradientByFiniteDifferences(
  of loss: () -> Float, input: Matrix, analytic: Matrix, label: String,
  step: Float = 1e-3, absoluteTolerance: Double = 1e-4, relativeTolerance: Double = 1e-2,
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(analytic.rows, input.rows, "\(label): gradient rows", file: file, line: line)
  XCTAssertEqual(analytic.columns, input.columns, "\(label): gradient columns", file: file, line: line)
  for k in input.elements.indices {
    let keep = input.elements[k]
    let (up, down) = (keep + step, keep - step)
    input.elements[k] = up
    let lossUp = Double(loss())
    input.elements[k] = down
    let lossDown = Double(loss())
    input.elements[k] = keep
    let numeric = (lossUp - lossDown) / (Double(up) - Double(down))
    let a = Double(analytic.elements[k])
    XCTAssertLessThanOrEqual(
      abs(a - numeric), absoluteTolerance + relativeTolerance * abs(numeric),
      "\(label) ∂[\(k)]: analytic \(a), numeric \(numeric)", file: file, line: line)
  }
}

/// Checks a ``Loss``'s gradient with respect to its predictions.
func checkLossGradient(
  _ loss: Loss, predictions: Matrix, targets: Matrix,
  file: StaticString = #filePath, line: UInt = #line
) {
  let gradient = Matrix(rows: 0, columns: 0)
  _ = loss(predictions, targets, gradient: gradient)
  let scratch = Matrix(rows: 0, columns: 0)
  checkGradientByFiniteDifferences(
    of: { loss(predictions, targets, gradient: scratch) }, input: predictions, analytic: gradient.copy(),
    label: loss.name, file: file, line: line)
}

/// A `classes × batch` one-hot target matrix.
func oneHot(_ labels: [Int], classes: Int) -> Matrix {
  let m = Matrix(rows: classes, columns: labels.count)
  for (j, label) in labels.enumerated() { m[label, j] = 1 }
  return m
}
