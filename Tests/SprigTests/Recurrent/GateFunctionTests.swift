import Foundation
import SprigKernels
import XCTest

@testable import Sprig

/// The gate kernels' logistic and tanh (Gates.c) against libm's, over the
/// whole range a gate sees, its tails and the branch points between forms.
final class GateFunctionTests: XCTestCase {
  private var arguments: [Float] {
    var g = SeededGenerator(seed: 60)
    let spread = (0..<20_000).map { _ in (2 * g.nextUnitFloat() - 1) * 30 }
    let near = (0..<2_000).map { _ in (2 * g.nextUnitFloat() - 1) * 1 }
    return spread + near + [0, -0, 0.625, -0.625, 0.62499994, 1e-8, -1e-30, 20, -20, 87, -87.3, -88, -100, 100, 1e30, -1e30]
  }

  func testLogisticIsWithinAFewUlpsOfLibm() {
    for x in arguments {
      let e = exp(-abs(Double(x)))
      let reference = x >= 0 ? 1 / (1 + e) : e / (1 + e)
      let got = Double(sprig_gate_logistic(x))
      XCTAssertLessThanOrEqual(abs(got - reference), 4e-7 * reference + 1e-37, "σ(\(x))")
    }
  }

  func testTanhIsWithinAFewUlpsOfLibmAndOdd() {
    for x in arguments {
      let reference = tanh(Double(x))
      let got = Double(sprig_gate_tanh(x))
      XCTAssertLessThanOrEqual(abs(got - reference), 4e-7 * abs(reference) + 1e-45, "tanh(\(x))")
      XCTAssertEqual(sprig_gate_tanh(-x), -sprig_gate_tanh(x), "tanh(\(x)) is odd")
    }
  }

  func testTailsSaturateWithoutNaN() {
    XCTAssertEqual(sprig_gate_logistic(1e30), 1)
    XCTAssertEqual(sprig_gate_logistic(-1e30), 0)
    XCTAssertEqual(sprig_gate_tanh(1e30), 1)
    XCTAssertEqual(sprig_gate_tanh(-1e30), -1)
  }
}
