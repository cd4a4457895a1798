import XCTest
@testable import Sprig

/// Sparse LSTM and GRU cells: the dense cells' arithmetic on a pattern,
/// gradients by finite differences, one weight-gradient kernel per sequence
/// under SGD's folded momentum, and evolution through `Recurrent`.
final class SparseRecurrentCellTests: XCTestCase {
  /// `w` (CSR order on `pattern`) as a dense row-major `rows × columns` array.
  private func dense(_ pattern: SparsityPattern, _ w: [Float]) -> [Float] {
    var d = [Float](repeating: 0, count: pattern.rows * pattern.columns)
    for r in 0..<pattern.rows {
      for k in Int(pattern.rowPointers[r])..<Int(pattern.rowPointers[r + 1]) {
        d[r * pattern.columns + Int(pattern.columnIndices[k])] = w[k]
      }
    }
    return d
  }

  private func sparseLSTM(seed: UInt64, inputs: Int = 3, hidden: Int = 4, density: Double = 0.5) -> SparseLSTMCell {
    var rng = SeededGenerator(seed: seed)
    let pattern = ErdosRenyiTopology.pattern(inputSize: inputs + hidden, outputSize: 4 * hidden, density: density, using: &rng)
    let cell = SparseLSTMCell(inputSize: inputs, pattern: pattern, using: &rng)
    for k in cell.gates.bias.value.indices { cell.gates.bias.value[k] += 0.1 * (rng.nextUnitFloat() - 0.5) }
    return cell
  }

  private func sparseGRU(seed: UInt64, inputs: Int = 3, hidden: Int = 4, density: Double = 0.5) -> SparseGRUCell {
    var rng = SeededGenerator(seed: seed)
    let inputPattern = ErdosRenyiTopology.pattern(inputSize: inputs, outputSize: 3 * hidden, density: density, using: &rng)
    let hiddenPattern = ErdosRenyiTopology.pattern(inputSize: hidden, outputSize: 3 * hidden, density: density, using: &rng)
    let cell = SparseGRUCell(inputPattern: inputPattern, hiddenPattern: hiddenPattern, using: &rng)
    for m in cell.sparseLayers {
      for k in m.bias.value.indices { m.bias.value[k] = 0.2 * (rng.nextUnitFloat() - 0.5) }
    }
    return cell
  }

  private func assertClose(_ a: [Float], _ b: [Float], _ message: String, tolerance: Float = 1e-5) {
    XCTAssertEqual(a.count, b.count, message)
    for (x, y) in zip(a, b) where abs(x - y) > tolerance * max(1, abs(y)) {
      XCTFail("\(message): \(x) vs \(y)")
      return
    }
  }

  func testSparseLSTMComputesTheDenseLSTMOnItsPattern() {
    let sparse = sparseLSTM(seed: 1)
    var rng = SeededGenerator(seed: 2)
    let denseCell = LSTMCell(inputSize: 3, hiddenSize: 4, using: &rng)
    denseCell.weight.value = dense(sparse.gates.pattern, sparse.gates.weight.value)
    denseCell.bias.value = sparse.gates.bias.value
    let x = randomMatrix(rows: 15, columns: 5, seed: 3)
    let a = Recurrent(cell: sparse, steps: 5, returnsSequence: true), b = Recurrent(cell: denseCell, steps: 5, returnsSequence: true)
    assertClose(Array(a.forward(x, training: true).elements), Array(b.forward(x, training: true).elements), "outputs")
    let dY = randomMatrix(rows: a.outputSize, columns: 5, seed: 4)
    assertClose(Array(a.backward(dY).elements), Array(b.backward(dY).elements), "input gradients")
    let denseGradient = denseCell.weight.gradient
    let p = sparse.gates.pattern
    var onPattern: [Float] = []
    for r in 0..<p.rows {
      for k in Int(p.rowPointers[r])..<Int(p.rowPointers[r + 1]) { onPattern.append(denseGradient[r * p.columns + Int(p.columnIndices[k])]) }
    }
    assertClose(sparse.gates.weight.gradient, onPattern, "weight gradients on the pattern")
    assertClose(sparse.gates.bias.gradient, denseCell.bias.gradient, "bias gradients")
  }

  func testSparseGRUComputesTheDenseGRUOnItsPatterns() {
    let sparse = sparseGRU(seed: 5)
    var rng = SeededGenerator(seed: 6)
    let denseCell = GRUCell(inputSize: 3, hiddenSize: 4, using: &rng)
    denseCell.inputWeight.value = dense(sparse.inputGates.pattern, sparse.inputGates.weight.value)
    denseCell.hiddenWeight.value = dense(sparse.hiddenGates.pattern, sparse.hiddenGates.weight.value)
    denseCell.inputBias.value = sparse.inputGates.bias.value
    denseCell.hiddenBias.value = sparse.hiddenGates.bias.value
    let x = randomMatrix(rows: 12, columns: 3, seed: 7)
    let a = Recurrent(cell: sparse, steps: 4), b = Recurrent(cell: denseCell, steps: 4)
    assertClose(Array(a.forward(x, training: true).elements), Array(b.forward(x, training: true).elements), "outputs")
    let dY = randomMatrix(rows: 4, columns: 3, seed: 8)
    assertClose(Array(a.backward(dY).elements), Array(b.backward(dY).elements), "input gradients")
    assertClose(sparse.inputGates.bias.gradient, denseCell.inputBias.gradient, "input bias gradients")
    assertClose(sparse.hiddenGates.bias.gradient, denseCell.hiddenBias.gradient, "hidden bias gradients")
  }

  func testSparseLSTMGradientsMatchFiniteDifferencesOverFourSteps() {
    let layer = Recurrent(cell: sparseLSTM(seed: 9), steps: 4, learnsInitialState: true)
    var g = SeededGenerator(seed: 10)
    for k in layer.initialState!.value.indices { layer.initialState!.value[k] = g.nextUnitFloat() - 0.5 }
    checkLayerGradients(layer, input: randomMatrix(rows: layer.inputSize, columns: 2, seed: 11))
  }

  func testSparseGRUGradientsMatchFiniteDifferencesWhenReturningTheSequence() {
    let layer = Recurrent(cell: sparseGRU(seed: 12), steps: 4, returnsSequence: true, learnsInitialState: true)
    var g = SeededGenerator(seed: 13)
    for k in layer.initialState!.value.indices { layer.initialState!.value[k] = g.nextUnitFloat() - 0.5 }
    checkLayerGradients(layer, input: randomMatrix(rows: layer.inputSize, columns: 2, seed: 14))
  }

  /// Three SGD steps with momentum folded into the gradient kernel (the
  /// trainer's way) end where three steps with ordinary gradients do: the
  /// velocity advances once per step, not once per time step.
  func testFoldedMomentumAdvancesOncePerSequence() {
    func train(folded: Bool, lstm: Bool) -> [[Float]] {
      let cell: RecurrentCell = lstm ? sparseLSTM(seed: 15) : sparseGRU(seed: 15)
      let model = Sequential([Recurrent(cell: cell, steps: 5)])
      let sgd = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-3)
      if folded { sgd.foldMomentum(into: model.parameters) }
      for s in 0..<3 {
        let x = randomMatrix(rows: 15, columns: 4, seed: 16 + UInt64(s))
        _ = model.forward(x, training: true)
        model.backward(randomMatrix(rows: 4, columns: 4, seed: 30 + UInt64(s)))
        sgd.step(model.parameters)
      }
      return model.parameters.map(\.value)
    }
    for lstm in [true, false] {
      for (a, b) in zip(train(folded: true, lstm: lstm), train(folded: false, lstm: lstm)) {
        assertClose(a, b, lstm ? "LSTM" : "GRU", tolerance: 1e-5)
      }
    }
  }

  func testInferenceUsesOneCacheSlotAndGivesTheTrainingOutput() {
    let layer = Recurrent(cell: sparseGRU(seed: 17), steps: 6)
    let x = randomMatrix(rows: layer.inputSize, columns: 3, seed: 18)
    let trained = Array(layer.forward(x, training: true).elements)
    XCTAssertEqual(Array(layer.forward(x, training: false).elements), trained)
  }

  func testEvolutionReachesTheGateMatricesAndKeepsTheirSize() throws {
    var weightsRNG = SeededGenerator(seed: 19)
    let model = Sequential([
      Recurrent(cell: sparseGRU(seed: 20), steps: 3), Recurrent(cell: sparseLSTM(seed: 21, inputs: 4), steps: 1),
      Linear(inputSize: 4, outputSize: 2, using: &weightsRNG),
    ])
    XCTAssertEqual(model.sparseLayers.count, 3, "two GRU matrices and one LSTM gate matrix")
    let before = model.sparseLayers.map(\.connectionCount)
    let patterns = model.sparseLayers.map(\.pattern)
    var rng = SeededGenerator(seed: 22)
    let set = SETEvolution(zeta: 0.3, regrowthScale: 0.1, initialization: .glorotUniform)
    for layer in model.sparseLayers { _ = set.rewire(layer, using: &rng) }
    XCTAssertEqual(model.sparseLayers.map(\.connectionCount), before)
    XCTAssertNotEqual(model.sparseLayers.map(\.pattern), patterns, "SET moved connections")
    let x = randomMatrix(rows: model.inputSize, columns: 2, seed: 23)
    _ = model.forward(x, training: true)
    model.backward(randomMatrix(rows: 2, columns: 2, seed: 24))
    XCTAssertTrue(model.parameters.allSatisfy { $0.gradient.allSatisfy(\.isFinite) })
  }
}
