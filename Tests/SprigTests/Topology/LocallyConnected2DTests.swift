import XCTest
@testable import Sprig

final class LocallyConnected2DTests: XCTestCase {
  func testMNISTStackRunsForwardAndBackwardAndIsEvolvable() throws {
    var g = SeededGenerator(seed: 1)
    let (local, windows) = try LocallyConnected2D.make(
      input: ImageShape(height: 28, width: 28), outputChannels: 16, kernelSize: 5, using: &g)
    XCTAssertEqual(local.inputSize, 784)
    XCTAssertEqual(local.outputSize, 24 * 24 * 16)
    XCTAssertEqual(windows.output, ImageShape(height: 24, width: 24, channels: 16))
    let hidden = SparseLinear(inputSize: local.outputSize, outputSize: 100, epsilon: 10, using: &g)
    let model = Sequential([local, ReLU(size: local.outputSize), hidden, ReLU(size: 100), Linear(inputSize: 100, outputSize: 10, using: &g)])
    XCTAssertTrue(model.sparseLayers.contains { $0 === local }, "evolution must see the local layer")
    let x = Matrix(rows: 784, columns: 4)
    for i in x.elements.indices { x.elements[i] = g.nextUnitFloat() }
    let y = model.forward(x, training: true)
    XCTAssertEqual(y.rows, 10)
    XCTAssertEqual(y.columns, 4)
    model.backward(Matrix(rows: 10, columns: 4, repeating: 0.1))
    XCTAssertTrue(local.weight.gradient.contains { $0 != 0 })
  }

  func testWeightsAreScaledForEachUnitsActualFanIn() throws {
    // With padding, corner units see 3×3 = 9 inputs and centre units 25:
    // He-uniform bounds √(6/9) and √(6/25).
    var g = SeededGenerator(seed: 2)
    let (layer, w) = try LocallyConnected2D.make(
      input: ImageShape(height: 10, width: 10), outputChannels: 1, kernelSize: 5, padding: 2, using: &g)
    let corner = 0, centre = w.output.featureIndex(channel: 0, y: 5, x: 5)
    func weights(_ row: Int) -> ArraySlice<Float> {
      layer.weight.value[Int(layer.pattern.rowPointers[row])..<Int(layer.pattern.rowPointers[row + 1])]
    }
    XCTAssertEqual(weights(corner).count, 9)
    XCTAssertEqual(weights(centre).count, 25)
    XCTAssertTrue(weights(corner).allSatisfy { abs($0) <= (6.0 / 9).squareRoot() })
    XCTAssertTrue(weights(centre).allSatisfy { abs($0) <= (6.0 / 25).squareRoot() })
  }

  func testDensityBelowOneGivesASparseLocalLayer() throws {
    var g = SeededGenerator(seed: 3)
    let (layer, w) = try LocallyConnected2D.make(
      input: ImageShape(height: 28, width: 28), outputChannels: 4, kernelSize: 5, density: 0.5, using: &g)
    XCTAssertLessThan(layer.connectionCount, w.windowPositionCount)
    XCTAssertTrue(TopologyStatistics.keys(layer.pattern).isSubset(of: TopologyStatistics.keys(w.pattern())))
    XCTAssertThrowsError(try LocallyConnected2D.make(input: ImageShape(height: 4, width: 4), outputChannels: 1, kernelSize: 3, density: 0, using: &g))
  }
}
