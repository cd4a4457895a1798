import XCTest
@testable import Sprig

final class Conv2DTests: XCTestCase {
  func testModelConnectionsCountConvolutionWeightsButNotBiases() {
    var rng = SeededGenerator(seed: 9)
    let conv = Conv2D(input: ImageShape(height: 8, width: 8, channels: 3), outputChannels: 4, kernelSize: 3, using: &rng)
    let head = Linear(inputSize: conv.outputSize, outputSize: 10, using: &rng)
    let model = Sequential([conv, ReLU(size: conv.outputSize), head])
    XCTAssertEqual(model.connectionCount, 4 * 3 * 3 * 3 + conv.outputSize * 10)
  }

  func testConvForwardMatchesDirectConvolutionWithSamePaddingAndStrideTwo() {
    var rng = SeededGenerator(seed: 1)
    let conv = Conv2D(input: ImageShape(height: 7, width: 6, channels: 3), outputChannels: 4, kernelSize: 3, stride: 2, padding: .same, using: &rng)
    for o in 0..<4 { conv.bias.value[o] = Float(o) * 0.1 }
    let x = randomMatrix(rows: conv.inputSize, columns: 5, seed: 2)
    let y = conv.forward(x, training: false)
    let reference = naiveConvolution(conv, x)
    XCTAssertEqual(y.rows, 4 * 4 * 3)
    for i in reference.indices { XCTAssertEqual(Double(y.elements[i]), reference[i], accuracy: 1e-4) }
  }

  func testConvForwardMatchesDirectConvolutionWithValidPadding() {
    var rng = SeededGenerator(seed: 3)
    let conv = Conv2D(input: ImageShape(height: 8, width: 9, channels: 2), outputChannels: 3, kernelSize: 5, stride: 1, padding: .valid, using: &rng)
    let x = randomMatrix(rows: conv.inputSize, columns: 3, seed: 4)
    let y = conv.forward(x, training: false)
    XCTAssertEqual(conv.outputShape, ImageShape(height: 4, width: 5, channels: 3))
    let reference = naiveConvolution(conv, x)
    for i in reference.indices { XCTAssertEqual(Double(y.elements[i]), reference[i], accuracy: 1e-4) }
  }

  func testConvForwardMatchesDirectConvolutionWithEvenKernelAndStrideThree() {
    var rng = SeededGenerator(seed: 5)
    let conv = Conv2D(input: ImageShape(height: 10, width: 7, channels: 2), outputChannels: 2, kernelSize: 4, stride: 3, padding: .same, using: &rng)
    let x = randomMatrix(rows: conv.inputSize, columns: 4, seed: 6)
    let y = conv.forward(x, training: false)
    XCTAssertEqual(conv.outputShape, ImageShape(height: 4, width: 3, channels: 2))
    let reference = naiveConvolution(conv, x)
    for i in reference.indices { XCTAssertEqual(Double(y.elements[i]), reference[i], accuracy: 1e-4) }
  }

  func testConvSamePaddingKeepsImageSizeAtStrideOne() {
    var rng = SeededGenerator(seed: 7)
    let conv = Conv2D(input: ImageShape(height: 28, width: 28, channels: 1), outputChannels: 8, kernelSize: 3, using: &rng)
    XCTAssertEqual(conv.outputShape, ImageShape(height: 28, width: 28, channels: 8))
    XCTAssertEqual(conv.outputSize, 8 * 28 * 28)
  }

  func testConvGradientsMatchFiniteDifferencesWithStrideTwoAndSamePadding() {
    var rng = SeededGenerator(seed: 8)
    let conv = Conv2D(input: ImageShape(height: 5, width: 5, channels: 2), outputChannels: 3, kernelSize: 3, stride: 2, padding: .same, using: &rng)
    for o in 0..<3 { conv.bias.value[o] = 0.1 * Float(o + 1) }
    checkLayerGradients(conv, input: randomMatrix(rows: conv.inputSize, columns: 3, seed: 9))
  }

  func testConvGradientsMatchFiniteDifferencesWithValidPadding() {
    var rng = SeededGenerator(seed: 10)
    let conv = Conv2D(input: ImageShape(height: 6, width: 5, channels: 2), outputChannels: 2, kernelSize: 3, stride: 1, padding: .valid, using: &rng)
    checkLayerGradients(conv, input: randomMatrix(rows: conv.inputSize, columns: 2, seed: 11))
  }

  func testConvWeightGradientSumsOverTheBatchAndIsOverwrittenEachBackward() {
    var rng = SeededGenerator(seed: 12)
    let conv = Conv2D(input: ImageShape(height: 4, width: 4, channels: 1), outputChannels: 2, kernelSize: 3, using: &rng)
    let x = randomMatrix(rows: conv.inputSize, columns: 2, seed: 13)
    let dY = randomMatrix(rows: conv.outputSize, columns: 2, seed: 14)
    _ = conv.forward(x, training: true)
    _ = conv.backward(dY)
    let first = conv.weight.gradient
    _ = conv.forward(x, training: true)
    _ = conv.backward(dY)
    XCTAssertEqual(conv.weight.gradient, first)
  }

  func testConvSkipsInputGradientWhenNotNeeded() {
    var rng = SeededGenerator(seed: 15)
    let conv = Conv2D(input: ImageShape(height: 4, width: 4, channels: 1), outputChannels: 2, kernelSize: 3, using: &rng)
    conv.needsInputGradient = false
    _ = conv.forward(randomMatrix(rows: conv.inputSize, columns: 2, seed: 16), training: true)
    XCTAssertEqual(conv.backward(randomMatrix(rows: conv.outputSize, columns: 2, seed: 17)).count, 0)
  }

  func testConvHeInitializationScalesWithFanIn() {
    var rng = SeededGenerator(seed: 18)
    let conv = Conv2D(input: ImageShape(height: 8, width: 8, channels: 16), outputChannels: 32, kernelSize: 3, using: &rng)
    let bound = (6 / Float(16 * 9)).squareRoot()
    XCTAssertLessThanOrEqual(conv.weight.value.map(abs).max()!, bound)
    XCTAssertGreaterThan(conv.weight.value.map(abs).max()!, 0.9 * bound)
  }
}
