import XCTest
@testable import Sprig

final class ERKDensitiesTests: XCTestCase {
  let mlp: [ERKDensities.LayerShape] = [(784, 1000), (1000, 1000), (1000, 1000), (1000, 10)]

  func total(_ layers: [ERKDensities.LayerShape], _ d: [Double]) -> Double {
    zip(layers, d).reduce(0) { $0 + $1.1 * Double($1.0.inputSize * $1.0.outputSize) }
  }

  func testTotalConnectionsMatchTheGlobalDensity() throws {
    for density in [0.01, 0.05, 0.2, 0.5] {
      let d = try ERKDensities.densities(layers: mlp, density: density)
      let all = mlp.reduce(0.0) { $0 + Double($1.inputSize * $1.outputSize) }
      XCTAssertEqual(total(mlp, d), density * all, accuracy: 1e-6 * all)
      XCTAssertTrue(d.allSatisfy { $0 > 0 && $0 <= 1 })
    }
  }

  func testUncappedDensitiesAreProportionalToTheERScore() throws {
    let layers: [ERKDensities.LayerShape] = [(784, 1000), (1000, 1000), (1000, 300)]
    let d = try ERKDensities.densities(layers: layers, density: 0.02)
    let scores = layers.map { Double($0.inputSize + $0.outputSize) / Double($0.inputSize * $0.outputSize) }
    XCTAssertEqual(d[0] / scores[0], d[1] / scores[1], accuracy: 1e-12)
    XCTAssertEqual(d[2] / scores[2], d[1] / scores[1], accuracy: 1e-12)
  }

  func testSmallLayerIsCappedDenseAndItsShareRedistributed() throws {
    // The 1000→10 layer's ER score is ~0.1; at 10 % global density it would exceed 1.
    let d = try ERKDensities.densities(layers: mlp, density: 0.1)
    XCTAssertEqual(d[3], 1)
    let epsilon = try XCTUnwrap(ERKDensities.epsilon(layers: mlp, density: 0.1))
    XCTAssertEqual(d[1], epsilon * 2000 / 1_000_000, accuracy: 1e-12)
  }

  func testFullDensityMakesEveryLayerDense() throws {
    XCTAssertEqual(try ERKDensities.densities(layers: mlp, density: 1), [1, 1, 1, 1])
    XCTAssertNil(try ERKDensities.epsilon(layers: mlp, density: 1))
  }

  func testBadArgumentsAreTypedErrors() {
    XCTAssertThrowsError(try ERKDensities.densities(layers: mlp, density: 0))
    XCTAssertThrowsError(try ERKDensities.densities(layers: mlp, density: 1.5))
    XCTAssertThrowsError(try ERKDensities.densities(layers: [], density: 0.1))
    XCTAssertThrowsError(try ERKDensities.densities(layers: [(0, 10)], density: 0.1))
  }

  func testERDensityGeneratorHitsTheERKDensity() throws {
    let d = try ERKDensities.densities(layers: mlp, density: 0.05)
    var g = SeededGenerator(seed: 1)
    let p = ErdosRenyiTopology.pattern(inputSize: 1000, outputSize: 1000, density: d[1], using: &g)
    XCTAssertEqual(p.density, d[1], accuracy: 4 * (d[1] * (1 - d[1]) / 1e6).squareRoot())
  }
}
