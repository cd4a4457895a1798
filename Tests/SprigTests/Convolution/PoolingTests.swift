import XCTest
@testable import Sprig

final class PoolingTests: XCTestCase {
  let shape = ImageShape(height: 5, width: 4, channels: 2)

  func testMaxPoolPicksTheLargestValueOfEachWindow() {
    let pool = MaxPool2D(input: ImageShape(height: 2, width: 4, channels: 1))
    // One sample: image rows [1 5 2 0] and [3 4 8 7].
    let x = Matrix(rows: 8, columns: 1, elements: [1, 5, 2, 0, 3, 4, 8, 7])
    XCTAssertEqual(pool.forward(x, training: false).elements, [5, 8])
  }

  func testAvgPoolAveragesEachWindow() {
    let pool = AvgPool2D(input: ImageShape(height: 2, width: 4, channels: 1))
    let x = Matrix(rows: 8, columns: 1, elements: [1, 5, 2, 0, 3, 4, 8, 7])
    XCTAssertEqual(pool.forward(x, training: false).elements, [13.0 / 4, 17.0 / 4])
  }

  func testL2PoolTakesTheNormOfEachWindow() {
    let pool = L2Pool2D(input: ImageShape(height: 2, width: 2, channels: 1))
    let x = Matrix(rows: 4, columns: 1, elements: [1, 2, 2, 4])
    XCTAssertEqual(pool.forward(x, training: false).elements[0], 5, accuracy: 1e-6)
  }

  func testAvgPoolWithSamePaddingAveragesOnlyInImagePixels() {
    let pool = AvgPool2D(input: ImageShape(height: 3, width: 3, channels: 1), size: 2, padding: .same)
    let x = Matrix(rows: 9, columns: 1, elements: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    // Windows: {1,2,4,5}, {3,6}, {7,8}, {9}.
    XCTAssertEqual(pool.forward(x, training: false).elements, [3, 4.5, 7.5, 9])
  }

  func testMaxPoolGradientsMatchFiniteDifferences() {
    let pool = MaxPool2D(input: shape, size: 2)
    checkLayerGradients(pool, input: matrixWithoutTies(rows: shape.featureCount, columns: 3, seed: 1))
  }

  func testMaxPoolGradientsMatchFiniteDifferencesWithOverlappingPaddedWindows() {
    let pool = MaxPool2D(input: shape, size: 3, stride: 2, padding: .same)
    checkLayerGradients(pool, input: matrixWithoutTies(rows: shape.featureCount, columns: 3, seed: 2))
  }

  func testAvgPoolGradientsMatchFiniteDifferences() {
    let pool = AvgPool2D(input: shape, size: 2)
    checkLayerGradients(pool, input: matrixWithoutTies(rows: shape.featureCount, columns: 3, seed: 3))
  }

  func testAvgPoolGradientsMatchFiniteDifferencesWithOverlappingPaddedWindows() {
    let pool = AvgPool2D(input: shape, size: 3, stride: 2, padding: .same)
    checkLayerGradients(pool, input: matrixWithoutTies(rows: shape.featureCount, columns: 3, seed: 4))
  }

  func testL2PoolGradientsMatchFiniteDifferences() {
    let pool = L2Pool2D(input: shape, size: 2)
    checkLayerGradients(pool, input: matrixWithoutTies(rows: shape.featureCount, columns: 3, seed: 5))
  }

  func testL2PoolGradientsMatchFiniteDifferencesWithOverlappingPaddedWindows() {
    let pool = L2Pool2D(input: shape, size: 3, stride: 2, padding: .same)
    checkLayerGradients(pool, input: matrixWithoutTies(rows: shape.featureCount, columns: 3, seed: 6))
  }

  func testPoolingOutputShapeHalvesTheImage() {
    let pool = MaxPool2D(input: ImageShape(height: 28, width: 28, channels: 32))
    XCTAssertEqual(pool.outputShape, ImageShape(height: 14, width: 14, channels: 32))
  }

  func testFlattenPassesActivationsAndGradientsThrough() {
    let flatten = Flatten(shape: shape)
    let x = randomMatrix(rows: shape.featureCount, columns: 2, seed: 7)
    XCTAssertTrue(flatten.forward(x, training: true) === x)
    let dY = randomMatrix(rows: shape.featureCount, columns: 2, seed: 8)
    XCTAssertTrue(flatten.backward(dY) === dY)
    XCTAssertEqual(flatten.outputSize, 40)
  }
}
