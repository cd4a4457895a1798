import XCTest
@testable import Sprig

/// Finite-difference checks of BPTT through each cell: inputs, weights and the learned initial state.
final class RecurrentGradientTests: XCTestCase {
  /// An unroller over 4 steps whose initial state starts away from zero, so its gradient is checked at a generic point.
  func unroller(_ cell: RecurrentCell, returnsSequence: Bool) -> Recurrent {
    let layer = Recurrent(cell: cell, steps: 4, returnsSequence: returnsSequence, learnsInitialState: true)
    var g = SeededGenerator(seed: 77)
    for k in layer.initialState!.value.indices { layer.initialState!.value[k] = g.nextUnitFloat() - 0.5 }
    return layer
  }

  func testRNNGradientsMatchFiniteDifferencesOverFourSteps() {
    var rng = SeededGenerator(seed: 1)
    let layer = unroller(RNNCell(inputSize: 3, hiddenSize: 4, using: &rng), returnsSequence: false)
    checkLayerGradients(layer, input: randomMatrix(rows: layer.inputSize, columns: 2, seed: 2))
  }

  func testRNNGradientsMatchFiniteDifferencesWhenReturningTheSequence() {
    var rng = SeededGenerator(seed: 3)
    let layer = unroller(RNNCell(inputSize: 3, hiddenSize: 4, using: &rng), returnsSequence: true)
    checkLayerGradients(layer, input: randomMatrix(rows: layer.inputSize, columns: 2, seed: 4))
  }

  func testLSTMGradientsMatchFiniteDifferencesOverFourSteps() {
    var rng = SeededGenerator(seed: 5)
    let layer = unroller(LSTMCell(inputSize: 3, hiddenSize: 4, using: &rng), returnsSequence: false)
    checkLayerGradients(layer, input: randomMatrix(rows: layer.inputSize, columns: 2, seed: 6))
  }

  func testLSTMGradientsMatchFiniteDifferencesWhenReturningTheSequence() {
    var rng = SeededGenerator(seed: 7)
    let layer = unroller(LSTMCell(inputSize: 3, hiddenSize: 4, using: &rng), returnsSequence: true)
    checkLayerGradients(layer, input: randomMatrix(rows: layer.inputSize, columns: 2, seed: 8))
  }

  func testGRUGradientsMatchFiniteDifferencesOverFourSteps() {
    var rng = SeededGenerator(seed: 9)
    let layer = unroller(GRUCell(inputSize: 3, hiddenSize: 4, using: &rng), returnsSequence: false)
    checkLayerGradients(layer, input: randomMatrix(rows: layer.inputSize, columns: 2, seed: 10))
  }

  func testGRUGradientsMatchFiniteDifferencesWhenReturningTheSequence() {
    var rng = SeededGenerator(seed: 11)
    let layer = unroller(GRUCell(inputSize: 3, hiddenSize: 4, using: &rng), returnsSequence: true)
    checkLayerGradients(layer, input: randomMatrix(rows: layer.inputSize, columns: 2, seed: 12))
  }

  func testStackedRecurrentLayersBackpropagateThroughEachOther() {
    var rng = SeededGenerator(seed: 13)
    let first = Recurrent(cell: GRUCell(inputSize: 2, hiddenSize: 3, using: &rng), steps: 3, returnsSequence: true)
    let second = Recurrent(cell: LSTMCell(inputSize: 3, hiddenSize: 3, using: &rng), steps: 3)
    let model = Sequential([first, second])
    first.needsInputGradient = true
    let x = randomMatrix(rows: 6, columns: 2, seed: 14)
    // Check the stack as one layer through a tiny adaptor.
    checkLayerGradients(SequentialAsLayer(model), input: x)
  }
}

/// A `Sequential` seen as one `Layer`, for checking a stack's gradients end to end.
final class SequentialAsLayer: Layer {
  let model: Sequential
  var needsInputGradient = true
  private var lastGradient = Matrix(rows: 0, columns: 0)
  init(_ model: Sequential) { self.model = model }
  var name: String { "Sequential" }
  var inputSize: Int { model.inputSize }
  var outputSize: Int { model.outputSize }
  var parameters: [Parameter] { model.parameters }
  func forward(_ x: Matrix, training: Bool) -> Matrix { model.forward(x, training: training) }
  func backward(_ dY: Matrix) -> Matrix {
    var g = dY
    for layer in model.layers.reversed() { g = layer.backward(g) }
    lastGradient = g
    return g
  }
}
