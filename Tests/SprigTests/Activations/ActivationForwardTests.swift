import Foundation
import XCTest
@testable import Sprig

/// Forward values against hand-computed ones, including extreme inputs.
final class ActivationForwardTests: XCTestCase {
  func testIdentityReturnsItsInput() {
    XCTAssertEqual(activationOutputs(Identity(size: 1), [-2, 0, 3.5]), [-2, 0, 3.5])
  }

  func testStepForwardIsHeavisideWithStepOfZeroEqualToZero() {
    XCTAssertEqual(activationOutputs(Step(size: 1), [-1, 0, 0.5, 1e-6, 7]), [0, 0, 1, 1, 1])
  }

  func testSigmoidOfZeroIsHalfAndExtremesSaturateFinitely() {
    let y = activationOutputs(Sigmoid(size: 1), [0, 1, -1000, 1000])
    XCTAssertEqual(y[0], 0.5)
    XCTAssertEqual(y[1], 0.731_058_58, accuracy: 1e-6)
    XCTAssertEqual(y[2], 0)
    XCTAssertEqual(y[3], 1)
  }

  func testTanhOfOne() {
    XCTAssertEqual(activationOutputs(Tanh(size: 1), [1])[0], 0.761_594_16, accuracy: 1e-6)
  }

  func testReLUZeroesNegatives() {
    XCTAssertEqual(activationOutputs(ReLU(size: 1), [-2, 0, 3]), [0, 0, 3])
  }

  func testReLUOfABatchIsTheElementwiseMaximumWithZeroAndGatesItsGradient() {
    // 3 × 7 = 21 values: the 8-wide loop and its scalar tail.
    let x = randomMatrix(rows: 3, columns: 7, seed: 9)
    x.elements[5] = .nan
    x.elements[20] = 0
    let relu = ReLU(size: 3)
    let y = relu.forward(x, training: true)
    for k in 0..<x.count { XCTAssertEqual(y.elements[k], x.elements[k] > 0 ? x.elements[k] : 0, "element \(k)") }
    let dY = randomMatrix(rows: 3, columns: 7, seed: 10)
    let dX = relu.backward(dY)
    for k in 0..<x.count { XCTAssertEqual(dX.elements[k], x.elements[k] > 0 ? dY.elements[k] : 0, "element \(k)") }
  }

  func testLeakyReLUScalesNegativesBySlope() {
    XCTAssertEqual(activationOutputs(LeakyReLU(size: 1), [-2, 3]), [-0.02, 3])
  }

  func testPReLUStartsWithSlopeOneQuarter() {
    XCTAssertEqual(activationOutputs(PReLU(size: 1), [-2, 3]), [-0.5, 3])
  }

  func testELUOfMinusOneIsExpMinusOneMinusOne() {
    XCTAssertEqual(activationOutputs(ELU(size: 1), [-1])[0], -0.632_120_56, accuracy: 1e-6)
  }

  func testSELUOfOneIsLambda() {
    XCTAssertEqual(activationOutputs(SELU(size: 1), [1])[0], 1.050_700_99, accuracy: 1e-6)
  }

  func testSELUOfMinusOne() {
    XCTAssertEqual(activationOutputs(SELU(size: 1), [-1])[0], -1.111_330_74, accuracy: 1e-6)
  }

  func testSoftplusOfMinusHundredIsFiniteAndTiny() {
    let y = activationOutputs(Softplus(size: 1), [-100])[0]
    XCTAssertTrue(y.isFinite)
    XCTAssertGreaterThanOrEqual(y, 0)
    XCTAssertLessThan(y, 1e-30)  // log1p(e⁻¹⁰⁰) ≈ 3.7e-44, a Float subnormal
  }

  func testSoftplusOfLargeInputIsTheInput() {
    XCTAssertEqual(activationOutputs(Softplus(size: 1), [100, 1000]), [100, 1000])
  }

  func testSoftplusOfZeroIsLogTwo() {
    XCTAssertEqual(activationOutputs(Softplus(size: 1), [0])[0], Float(M_LN2), accuracy: 1e-7)
  }

  func testSwishWithBetaOneIsSiLU() {
    XCTAssertEqual(activationOutputs(Swish(size: 1), [1])[0], 0.731_058_58, accuracy: 1e-6)
  }

  func testMishOfOne() {
    XCTAssertEqual(activationOutputs(Mish(size: 1), [1])[0], 0.865_098_39, accuracy: 1e-6)
  }

  func testMishOfExtremesIsFinite() {
    let y = activationOutputs(Mish(size: 1), [-1000, 1000])
    XCTAssertEqual(y[0], 0)
    XCTAssertEqual(y[1], 1000)
  }

  func testSReLUStartsAsLeakyReLU() {
    let x: [Float] = [-3, -0.5, 0.25, 0.9, 1.5, 4]
    XCTAssertEqual(activationOutputs(SReLU(size: 1), x), activationOutputs(LeakyReLU(size: 1, slope: 0.01), x))
  }

  func testSReLUFollowsEachOfItsThreePieces() {
    let layer = SReLU(size: 1, leftThreshold: -1, leftSlope: 0.5, rightThreshold: 2, rightSlope: 0.25)
    // x ≤ tˡ: −1 + 0.5(−3 + 1) = −2;  tˡ < x < tʳ: x;  x ≥ tʳ: 2 + 0.25(6 − 2) = 3.
    XCTAssertEqual(activationOutputs(layer, [-3, 0.5, 6]), [-2, 0.5, 3])
  }
}
