import XCTest
@testable import Sprig

final class OptimizerTests: XCTestCase {
  func parameter(_ value: [Float], gradient: [Float], decays: Bool = true) -> Parameter {
    let p = Parameter(name: "w", value: value, decays: decays)
    p.gradient = gradient
    return p
  }

  func testPlainSGDStepsAgainstGradientWithDecay() {
    let p = parameter([1, -2], gradient: [0.5, 0.5])
    SGD(learningRate: 0.1, weightDecay: 0.1).step([p])
    XCTAssertEqual(p.value[0], 1 - 0.1 * (0.5 + 0.1), accuracy: 1e-6)
    XCTAssertEqual(p.value[1], -2 - 0.1 * (0.5 - 0.2), accuracy: 1e-6)
  }

  func testWeightDecaySkipsParametersThatDoNotDecay() {
    let p = parameter([1], gradient: [0], decays: false)
    SGD(learningRate: 0.1, weightDecay: 0.5).step([p])
    XCTAssertEqual(p.value, [1])
  }

  func testMomentumAccumulatesVelocity() {
    let p = parameter([0], gradient: [1])
    let sgd = SGD(learningRate: 1, momentum: 0.9)
    sgd.step([p])  // v = 1, w = −1
    sgd.step([p])  // v = 1.9, w = −2.9
    XCTAssertEqual(p.value[0], -2.9, accuracy: 1e-6)
    XCTAssertEqual(p.optimizerState[0][0], 1.9, accuracy: 1e-6)
  }

  func testNesterovLooksAhead() {
    let p = parameter([0], gradient: [1])
    let sgd = SGD(learningRate: 1, momentum: 0.9, nesterov: true)
    sgd.step([p])  // v = 1, w −= 1 + 0.9 = 1.9
    XCTAssertEqual(p.value[0], -1.9, accuracy: 1e-6)
  }

  func testAdamFirstStepIsLearningRateTimesSign() {
    let p = parameter([1, 1], gradient: [0.001, -50])
    Adam(learningRate: 0.01).step([p])
    XCTAssertEqual(p.value[0], 0.99, accuracy: 1e-5)
    XCTAssertEqual(p.value[1], 1.01, accuracy: 1e-5)
  }

  func testLearningRateScaleMultipliesTheStep() {
    let a = parameter([1], gradient: [0.5]), b = parameter([1], gradient: [0.5])
    b.learningRateScale = 4
    SGD(learningRate: 0.1).step([a, b])
    XCTAssertEqual(1 - b.value[0], 4 * (1 - a.value[0]), accuracy: 1e-6)
    let c = parameter([1], gradient: [0.5]), d = parameter([1], gradient: [0.5])
    d.learningRateScale = 4
    Adam(learningRate: 0.01).step([c, d])
    XCTAssertEqual(1 - d.value[0], 4 * (1 - c.value[0]), accuracy: 1e-5)
  }

  func testRemapKeepsStateOfSurvivorsAndZeroesNewOnes() {
    let p = parameter([1, 2, 3], gradient: [0, 0, 0])
    p.optimizerState = [[10, 20, 30]]
    p.value = [3, 9, 1]
    p.remap(from: [2, -1, 0])
    XCTAssertEqual(p.optimizerState[0], [30, 0, 10])
  }
}
