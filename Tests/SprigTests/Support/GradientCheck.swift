// Finite-difference checks shared by every layer, activation and loss test.
import XCTest
@testable import Sprig

/// A random feature-major matrix with entries uniform in `range`.
func randomMatrix(
  rows: Int, columns: Int, in range: ClosedRange<Float> = -1...1, seed: UInt64
) -> Matrix {
  var g = SeededGenerator(seed: seed)
  let m = Matrix(rows: rows, columns: columns)
  for i in m.elements.indices {
    m.elements[i] = range.lowerBound + (range.upperBound - range.lowerBound) * g.nextUnitFloat()
  }
  return m
}

/// Checks a layer's backward against central finite differences.
///
/// The scalar checked is `L = Σ R ∘ layer(x)` for a fixed random `R`, so
/// ∂L/∂output = R. Both ∂L/∂input and every parameter gradient are compared
/// with `(L(θ+h) − L(θ−h)) / 2h`, the loss summed in Double.
func checkLayerGradients(
  _ layer: Layer, input: Matrix, step: Float = 1e-2, tolerance: Double = 2e-2,
  checkInput: Bool = true, seed: UInt64 = 99, file: StaticString = #filePath, line: UInt = #line
) {
  let out = layer.forward(input, training: true)
  let r = randomMatrix(rows: out.rows, columns: out.columns, seed: seed)
  let dX = layer.backward(r).copy()
  let analytic = layer.parameters.map { $0.gradient }

  func loss() -> Double {
    let y = layer.forward(input, training: true)
    var s = 0.0
    for i in y.elements.indices { s += Double(y.elements[i]) * Double(r.elements[i]) }
    return s
  }
  func compare(_ a: Float, _ n: Double, _ what: String) {
    let scale = max(1.0, abs(n), abs(Double(a)))
    XCTAssertLessThanOrEqual(
      abs(Double(a) - n) / scale, tolerance, "\(layer.name) \(what): analytic \(a), numeric \(n)",
      file: file, line: line)
  }
  if checkInput {
    for i in input.elements.indices {
      let keep = input.elements[i]
      input.elements[i] = keep + step
      let up = loss()
      input.elements[i] = keep - step
      let down = loss()
      input.elements[i] = keep
      compare(dX.elements[i], (up - down) / Double(2 * step), "∂input[\(i)]")
    }
  }
  for (p, parameter) in layer.parameters.enumerated() {
    for i in parameter.value.indices {
      let keep = parameter.value[i]
      parameter.value[i] = keep + step
      let up = loss()
      parameter.value[i] = keep - step
      let down = loss()
      parameter.value[i] = keep
      compare(analytic[p][i], (up - down) / Double(2 * step), "∂\(parameter.name)[\(i)]")
    }
  }
}

/// Compares `analytic[i]` with the central difference of `loss` in each
/// element of `values` (a parameter's values or a matrix's elements, read
/// and written through `get` and `set`), relative to max(1, |·|).
func checkFiniteDifferences(
  _ analytic: [Float], count: Int, get: (Int) -> Float, set: (Int, Float) -> Void, loss: () -> Double,
  step: Float = 1e-2, tolerance: Double = 2e-2, what: String, file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(analytic.count, count, "\(what): \(analytic.count) analytic values for \(count)", file: file, line: line)
  for i in 0..<min(count, analytic.count) {
    let keep = get(i)
    set(i, keep + step)
    let up = loss()
    set(i, keep - step)
    let down = loss()
    set(i, keep)
    let numeric = (up - down) / Double(2 * step)
    let scale = max(1.0, abs(numeric), abs(Double(analytic[i])))
    XCTAssertLessThanOrEqual(
      abs(Double(analytic[i]) - numeric) / scale, tolerance, "\(what)[\(i)]: analytic \(analytic[i]), numeric \(numeric)",
      file: file, line: line)
  }
}

/// ``checkFiniteDifferences`` over every parameter, against the gradients
/// `analytic` (one array per parameter, as backward wrote them).
func checkParameterGradients(
  _ parameters: [Parameter], analytic: [[Float]], loss: () -> Double, step: Float = 1e-2, tolerance: Double = 2e-2,
  file: StaticString = #filePath, line: UInt = #line
) {
  for (p, parameter) in parameters.enumerated() {
    checkFiniteDifferences(
      analytic[p], count: parameter.count, get: { parameter.value[$0] }, set: { parameter.value[$0] = $1 }, loss: loss,
      step: step, tolerance: tolerance, what: "parameter \(p) \(parameter.name)", file: file, line: line)
  }
}

/// ``checkFiniteDifferences`` over the elements of `m`.
func checkMatrixGradient(
  _ m: Matrix, analytic: Matrix, loss: () -> Double, step: Float = 1e-2, tolerance: Double = 2e-2, what: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  checkFiniteDifferences(
    Array(analytic.elements), count: m.count, get: { m.elements[$0] }, set: { m.elements[$0] = $1 }, loss: loss, step: step,
    tolerance: tolerance, what: what, file: file, line: line)
}
