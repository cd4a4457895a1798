// Helpers for the activation tests: one-feature evaluation and kink-free inputs.
import XCTest
@testable import Sprig

/// The layer's outputs for `values`, fed as one feature over `values.count` samples.
func activationOutputs(_ layer: Layer, _ values: [Float]) -> [Float] {
  Array(layer.forward(Matrix(rows: 1, columns: values.count, elements: values), training: false).elements)
}

/// A random matrix whose entries in row `i` all lie at least `margin` away
/// from every point in `kinks(i)`, so a finite difference with a smaller
/// step never straddles a kink.
func matrixAwayFromKinks(
  rows: Int, columns: Int, in range: ClosedRange<Float> = -1...1, margin: Float = 0.05,
  seed: UInt64, kinks: (Int) -> [Float] = { _ in [0] }
) -> Matrix {
  let m = randomMatrix(rows: rows, columns: columns, in: range, seed: seed)
  for i in 0..<rows {
    for j in 0..<columns {
      for k in kinks(i) where abs(m[i, j] - k) < margin {
        m[i, j] = m[i, j] < k ? k - 2 * margin : k + 2 * margin
      }
    }
  }
  return m
}
