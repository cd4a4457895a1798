import XCTest
@testable import Sprig

/// Every activation's backward against central finite differences.
final class ActivationGradientTests: XCTestCase {
  func testIdentityBackwardMatchesFiniteDifferences() {
    checkLayerGradients(Identity(size: 4), input: randomMatrix(rows: 4, columns: 3, seed: 1))
  }

  func testSigmoidBackwardMatchesFiniteDifferences() {
    checkLayerGradients(Sigmoid(size: 4), input: randomMatrix(rows: 4, columns: 3, in: -4...4, seed: 2))
  }

  func testTanhBackwardMatchesFiniteDifferences() {
    checkLayerGradients(Tanh(size: 4), input: randomMatrix(rows: 4, columns: 3, in: -3...3, seed: 3))
  }

  func testReLUBackwardMatchesFiniteDifferencesAwayFromZero() {
    checkLayerGradients(ReLU(size: 4), input: matrixAwayFromKinks(rows: 4, columns: 5, seed: 4))
  }

  func testLeakyReLUBackwardMatchesFiniteDifferencesAwayFromZero() {
    checkLayerGradients(LeakyReLU(size: 4, slope: 0.1), input: matrixAwayFromKinks(rows: 4, columns: 5, seed: 5))
  }

  func testPReLUBackwardMatchesFiniteDifferencesForInputAndSlopes() {
    let layer = PReLU(size: 4)
    layer.slope.value = [0.25, -0.1, 0.5, 1.5]
    checkLayerGradients(layer, input: matrixAwayFromKinks(rows: 4, columns: 5, seed: 6))
  }

  func testELUBackwardMatchesFiniteDifferencesAwayFromZero() {
    checkLayerGradients(ELU(size: 4, alpha: 0.7), input: matrixAwayFromKinks(rows: 4, columns: 5, in: -3...2, seed: 7))
  }

  func testSELUBackwardMatchesFiniteDifferencesAwayFromZero() {
    checkLayerGradients(SELU(size: 4), input: matrixAwayFromKinks(rows: 4, columns: 5, in: -3...2, seed: 8))
  }

  func testSoftplusBackwardMatchesFiniteDifferences() {
    checkLayerGradients(Softplus(size: 4), input: randomMatrix(rows: 4, columns: 3, in: -5...5, seed: 9))
  }

  func testFixedSwishBackwardMatchesFiniteDifferences() {
    let layer = Swish(size: 4, beta: 1.5)
    XCTAssertTrue(layer.parameters.isEmpty)
    checkLayerGradients(layer, input: randomMatrix(rows: 4, columns: 3, in: -4...4, seed: 10))
  }

  func testLearnedSwishBackwardMatchesFiniteDifferencesForInputAndBeta() {
    let layer = Swish(size: 4, learnable: true)
    layer.beta.value = [1, 0.5, 2, -0.3]
    checkLayerGradients(layer, input: randomMatrix(rows: 4, columns: 5, in: -3...3, seed: 11))
  }

  func testMishBackwardMatchesFiniteDifferences() {
    checkLayerGradients(Mish(size: 4), input: randomMatrix(rows: 4, columns: 3, in: -4...4, seed: 12))
  }

  func testSReLUBackwardMatchesFiniteDifferencesInAllRegionsForAllParameters() {
    let layer = SReLU(size: 3)
    // Non-default values so that every parameter's gradient is non-trivial
    // (with aʳ = 1, ∂y/∂tʳ = 1 − aʳ would vanish).
    layer.leftThreshold.value = [-0.5, -0.2, 0.1]
    layer.leftSlope.value = [0.2, 0.05, -0.3]
    layer.rightThreshold.value = [0.6, 0.4, 1.0]
    layer.rightSlope.value = [1.5, 0.5, 2.0]
    let thresholds = { (i: Int) in [layer.leftThreshold.value[i], layer.rightThreshold.value[i]] }
    let x = matrixAwayFromKinks(rows: 3, columns: 12, in: -1.5...1.5, seed: 13, kinks: thresholds)
    for i in 0..<3 {
      let row = x.row(i), (tl, tr) = (thresholds(i)[0], thresholds(i)[1])
      XCTAssertTrue(row.contains { $0 < tl } && row.contains { $0 > tl && $0 < tr } && row.contains { $0 > tr }, "row \(i) misses a region")
    }
    checkLayerGradients(layer, input: x)
  }

  func testSoftmaxBackwardMatchesFiniteDifferences() {
    checkLayerGradients(Softmax(size: 5), input: randomMatrix(rows: 5, columns: 4, in: -3...3, seed: 14))
  }
}
