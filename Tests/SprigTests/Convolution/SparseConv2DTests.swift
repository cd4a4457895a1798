// SparseConv2D against the dense convolution on the same weights, finite differences, SET and SGD's folded momentum.
import XCTest

@testable import Sprig

final class SparseConv2DTests: XCTestCase {
  /// A sparse convolution on a random pattern (some empty and single-weight filters), with non-zero biases.
  func sparseConvolution(
    input: ImageShape, filters: Int, kernel: Int, stride: Int = 1, padding: Padding = .same, seed: UInt64
  ) -> SparseConv2D {
    var rng = SeededGenerator(seed: seed)
    let pattern = randomPattern(rows: filters, columns: input.channels * kernel * kernel, density: 0.4, seed: seed + 1)
    let conv = SparseConv2D(
      input: input, kernelSize: kernel, stride: stride, padding: padding, pattern: pattern, using: &rng)
    for o in 0..<filters { conv.kernel.bias.value[o] = 0.1 * Float(o + 1) }
    return conv
  }

  /// The dense convolution with `conv`'s weights at its pattern and zeros elsewhere.
  func denseEquivalent(_ conv: SparseConv2D) -> Conv2D {
    let p = conv.kernel.pattern
    var w = [Float](repeating: 0, count: p.rows * p.columns)
    for o in 0..<p.rows {
      for k in Int(p.rowPointers[o])..<Int(p.rowPointers[o + 1]) {
        w[o * p.columns + Int(p.columnIndices[k])] = conv.kernel.weight.value[k]
      }
    }
    let g = conv.geometry
    return Conv2D(
      input: g.input, outputChannels: conv.outputChannels, kernelSize: g.kernelSize, stride: g.stride,
      padding: g.padding, weights: w, bias: conv.kernel.bias.value)
  }

  func assertForwardMatchesDense(_ conv: SparseConv2D, batch: Int, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
    let x = randomMatrix(rows: conv.inputSize, columns: batch, seed: seed)
    let y = conv.forward(x, training: false).copy()
    let reference = denseEquivalent(conv).forward(x, training: false)
    XCTAssertEqual(y.rows, conv.outputSize, file: file, line: line)
    XCTAssertEqual(y.columns, batch, file: file, line: line)
    for i in y.elements.indices {
      XCTAssertEqual(y.elements[i], reference.elements[i], accuracy: 1e-4, "element \(i)", file: file, line: line)
    }
  }

  func testForwardEqualsTheDenseConvolutionWithTheWeightsAtThePattern() {
    let conv = sparseConvolution(input: ImageShape(height: 6, width: 5, channels: 3), filters: 5, kernel: 3, seed: 1)
    assertForwardMatchesDense(conv, batch: 4, seed: 2)
  }

  func testForwardEqualsTheDenseConvolutionAtStrideTwoWithValidPadding() {
    let conv = sparseConvolution(
      input: ImageShape(height: 7, width: 8, channels: 2), filters: 4, kernel: 3, stride: 2, padding: .valid, seed: 3)
    XCTAssertEqual(conv.outputShape, ImageShape(height: 3, width: 3, channels: 4))
    assertForwardMatchesDense(conv, batch: 3, seed: 4)
  }

  func testGradientsMatchFiniteDifferencesWithSamePadding() {
    let conv = sparseConvolution(input: ImageShape(height: 5, width: 4, channels: 2), filters: 3, kernel: 3, seed: 5)
    checkLayerGradients(conv, input: randomMatrix(rows: conv.inputSize, columns: 2, seed: 6))
  }

  func testGradientsMatchFiniteDifferencesAtStrideTwoWithValidPadding() {
    let conv = sparseConvolution(
      input: ImageShape(height: 6, width: 5, channels: 2), filters: 3, kernel: 3, stride: 2, padding: .valid, seed: 7)
    checkLayerGradients(conv, input: randomMatrix(rows: conv.inputSize, columns: 2, seed: 8))
  }

  func testWeightGradientIsTheDenseGradientOnThePattern() {
    let conv = sparseConvolution(input: ImageShape(height: 6, width: 6, channels: 3), filters: 4, kernel: 3, seed: 9)
    let dense = denseEquivalent(conv)
    let x = randomMatrix(rows: conv.inputSize, columns: 3, seed: 10)
    let dY = randomMatrix(rows: conv.outputSize, columns: 3, seed: 11)
    _ = conv.forward(x, training: true)
    let dX = conv.backward(dY).copy()
    _ = dense.forward(x, training: true)
    let denseDX = dense.backward(dY)
    let p = conv.kernel.pattern
    for o in 0..<p.rows {
      for k in Int(p.rowPointers[o])..<Int(p.rowPointers[o + 1]) {
        let j = o * p.columns + Int(p.columnIndices[k])
        XCTAssertEqual(conv.kernel.weight.gradient[k], dense.weight.gradient[j], accuracy: 1e-4)
      }
    }
    for o in 0..<p.rows { XCTAssertEqual(conv.kernel.bias.gradient[o], dense.bias.gradient[o], accuracy: 1e-4) }
    for i in dX.elements.indices { XCTAssertEqual(dX.elements[i], denseDX.elements[i], accuracy: 1e-4) }
  }

  func testAsTheFirstLayerItSkipsTheInputGradient() {
    let conv = sparseConvolution(input: ImageShape(height: 4, width: 4, channels: 1), filters: 2, kernel: 3, seed: 12)
    _ = Sequential([conv, ReLU(size: conv.outputSize)])
    XCTAssertFalse(conv.kernel.needsInputGradient)
    _ = conv.forward(randomMatrix(rows: conv.inputSize, columns: 2, seed: 13), training: true)
    XCTAssertEqual(conv.backward(randomMatrix(rows: conv.outputSize, columns: 2, seed: 14)).count, 0)
    XCTAssertTrue(conv.kernel.weight.gradient.contains { $0 != 0 })
  }

  func testAModelSeesTheKernelsParametersOnceAndCountsItsConnections() {
    var rng = SeededGenerator(seed: 15)
    let conv = SparseConv2D(
      input: ImageShape(height: 8, width: 8, channels: 3), outputChannels: 6, kernelSize: 3, density: 0.3, using: &rng)
    let head = Linear(inputSize: conv.outputSize, outputSize: 4, using: &rng)
    let model = Sequential([conv, ReLU(size: conv.outputSize), head])
    XCTAssertTrue(model.sparseLayers.count == 1 && model.sparseLayers[0] === conv.kernel)
    let ids = model.parameters.map(ObjectIdentifier.init)
    XCTAssertEqual(ids.filter { $0 == ObjectIdentifier(conv.kernel.weight) }.count, 1)
    XCTAssertEqual(ids.filter { $0 == ObjectIdentifier(conv.kernel.bias) }.count, 1)
    XCTAssertEqual(model.connectionCount, conv.kernel.connectionCount + conv.outputSize * 4)
  }

  func testASETRewireKeepsTheConnectionCountAndTheLayerComputingTheConvolution() {
    let conv = sparseConvolution(input: ImageShape(height: 6, width: 6, channels: 4), filters: 6, kernel: 3, seed: 16)
    let model = Sequential([conv, ReLU(size: conv.outputSize)])
    let before = conv.kernel.connectionCount
    let pattern = conv.kernel.pattern
    var rng = SeededGenerator(seed: 17)
    for layer in model.sparseLayers { _ = SETEvolution(zeta: 0.5).rewire(layer, using: &rng) }
    XCTAssertEqual(conv.kernel.connectionCount, before)
    XCTAssertNotEqual(conv.kernel.pattern, pattern)
    assertForwardMatchesDense(conv, batch: 2, seed: 18)
    conv.needsInputGradient = true  // the model's first layer skips it
    checkLayerGradients(conv, input: randomMatrix(rows: conv.inputSize, columns: 2, seed: 19))
  }

  /// The kernel's weights after `steps` SGD steps on fixed batches, with the momentum folded into the SDDMM or not.
  func trainedWeights(folded: Bool, steps: Int = 3) -> [Float] {
    let conv = sparseConvolution(input: ImageShape(height: 5, width: 5, channels: 2), filters: 4, kernel: 3, seed: 20)
    let sgd = SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 0.01)
    if folded { sgd.foldMomentum(into: conv.parameters) }
    for step in 0..<steps {
      _ = conv.forward(randomMatrix(rows: conv.inputSize, columns: 3, seed: UInt64(30 + step)), training: true)
      _ = conv.backward(randomMatrix(rows: conv.outputSize, columns: 3, seed: UInt64(40 + step)))
      sgd.step(conv.parameters)
    }
    return conv.kernel.weight.value
  }

  func testFoldedMomentumTrainsLikeOrdinaryGradients() {
    for (a, b) in zip(trainedWeights(folded: true), trainedWeights(folded: false)) { XCTAssertEqual(a, b, accuracy: 1e-5) }
  }

  func testItsNameGivesShapesKernelStrideAndPadding() {
    var rng = SeededGenerator(seed: 21)
    let conv = SparseConv2D(
      input: ImageShape(height: 28, width: 28, channels: 1), outputChannels: 32, kernelSize: 3, density: 0.5, using: &rng)
    XCTAssertEqual(conv.name, "SparseConv2D 28×28×1→28×28×32 k3 s1 same")
  }
}
