import XCTest
@testable import Sprig

final class RecurrentBehaviourTests: XCTestCase {
  func testRecurrentInferenceMatchesTrainingForward() {
    var rng = SeededGenerator(seed: 1)
    for cell in [
      LSTMCell(inputSize: 5, hiddenSize: 6, using: &rng) as RecurrentCell, GRUCell(inputSize: 5, hiddenSize: 6, using: &rng),
      RNNCell(inputSize: 5, hiddenSize: 6, using: &rng),
    ] {
      let layer = Recurrent(cell: cell, steps: 7, returnsSequence: true)
      let x = randomMatrix(rows: layer.inputSize, columns: 3, seed: 2)
      let training = layer.forward(x, training: true).copy()
      let inference = layer.forward(x, training: false)
      XCTAssertEqual(training, inference, cell.name)
    }
  }

  func testRecurrentLastStateIsTheLastBlockOfTheSequence() {
    var rng = SeededGenerator(seed: 3)
    let cell = LSTMCell(inputSize: 2, hiddenSize: 3, using: &rng)
    let x = randomMatrix(rows: 10, columns: 4, seed: 4)
    let all = Recurrent(cell: cell, steps: 5, returnsSequence: true).forward(x, training: false).copy()
    let last = Recurrent(cell: cell, steps: 5).forward(x, training: false)
    XCTAssertEqual(Array(last.elements), Array(all.elements[(4 * 3 * 4)...]))
  }

  func testRNNCellComputesTanhOfTheAffineMapOfInputAndState() {
    var rng = SeededGenerator(seed: 5)
    let cell = RNNCell(inputSize: 1, hiddenSize: 1, using: &rng)
    cell.weight.value = [0.5, -2]
    cell.bias.value = [0.1]
    let layer = Recurrent(cell: cell, steps: 2)
    let y = layer.forward(Matrix(rows: 2, columns: 1, elements: [1, 3]), training: false)
    let h1 = tanh(0.5 * 1 + 0.1)
    XCTAssertEqual(Double(y.elements[0]), Double(tanh(0.5 * 3 - 2 * h1 + 0.1)), accuracy: 1e-6)
  }

  func testLSTMForgetGateBiasStartsAtOne() {
    var rng = SeededGenerator(seed: 6)
    let cell = LSTMCell(inputSize: 2, hiddenSize: 3, using: &rng)
    XCTAssertEqual(Array(cell.bias.value[3..<6]), [1, 1, 1])
    XCTAssertEqual(Array(cell.bias.value[0..<3]) + Array(cell.bias.value[6...]), [Float](repeating: 0, count: 9))
  }

  func testRecurrentBackwardOverwritesGradientsInsteadOfAccumulating() {
    var rng = SeededGenerator(seed: 7)
    let layer = Recurrent(cell: GRUCell(inputSize: 2, hiddenSize: 3, using: &rng), steps: 3)
    let x = randomMatrix(rows: 6, columns: 2, seed: 8), dY = randomMatrix(rows: 3, columns: 2, seed: 9)
    _ = layer.forward(x, training: true)
    _ = layer.backward(dY)
    let first = layer.parameters.map(\.gradient)
    _ = layer.forward(x, training: true)
    _ = layer.backward(dY)
    XCTAssertEqual(layer.parameters.map(\.gradient), first)
  }

  func testClipGradientNormScalesLargeGradientsToTheLimit() {
    let a = Parameter(name: "a", value: [0, 0], decays: true), b = Parameter(name: "b", value: [0], decays: false)
    a.gradient = [3, 0]
    b.gradient = [4]
    let norm = clipGradientNorm([a, b], maxNorm: 1)
    XCTAssertEqual(norm, 5)
    XCTAssertEqual(a.gradient[0], 0.6, accuracy: 1e-6)
    XCTAssertEqual(b.gradient[0], 0.8, accuracy: 1e-6)
  }

  func testClipGradientNormLeavesSmallGradientsAlone() {
    let a = Parameter(name: "a", value: [0, 0], decays: true)
    a.gradient = [0.3, 0.4]
    XCTAssertEqual(clipGradientNorm([a], maxNorm: 1), 0.5, accuracy: 1e-6)
    XCTAssertEqual(a.gradient, [0.3, 0.4])
  }

  func testGradientClippingOptimizerClipsBeforeStepping() {
    let a = Parameter(name: "a", value: [0, 0], decays: false)
    a.gradient = [30, 40]
    let optimizer = GradientClippingOptimizer(SGD(learningRate: 1), maxNorm: 5)
    optimizer.step([a])
    XCTAssertEqual(optimizer.lastNorm, 50)
    XCTAssertEqual(a.value[0], -3, accuracy: 1e-5)
    XCTAssertEqual(a.value[1], -4, accuracy: 1e-5)
  }

  func testLSTMLearnsToRememberTheFirstInputOfASequence() {
    // The label is the sign of step 0's input; later steps are noise. Needs memory across 6 steps.
    var rng = SeededGenerator(seed: 10)
    let model = Sequential([
      Recurrent(cell: LSTMCell(inputSize: 1, hiddenSize: 8, using: &rng), steps: 6), Linear(inputSize: 8, outputSize: 2, using: &rng),
    ])
    let optimizer = Adam(learningRate: 0.02)
    let loss = SoftmaxCrossEntropy()
    let x = Matrix(rows: 6, columns: 64), y = Matrix(rows: 2, columns: 64), g = Matrix(rows: 0, columns: 0)
    var accuracy = 0.0
    for _ in 0..<150 {
      y.fill(0)
      for j in 0..<64 {
        for t in 0..<6 { x[t, j] = rng.nextUnitFloat() * 2 - 1 }
        y[x[0, j] > 0 ? 1 : 0, j] = 1
      }
      let logits = model.forward(x, training: true)
      _ = loss(logits, y, gradient: g)
      accuracy = Double(loss.correctPredictions(logits, y)) / 64
      model.backward(g)
      optimizer.step(model.parameters)
    }
    XCTAssertGreaterThan(accuracy, 0.9)
  }
}
