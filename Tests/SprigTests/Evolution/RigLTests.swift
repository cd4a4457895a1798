import XCTest
@testable import Sprig

final class RigLTests: XCTestCase {
  struct Setup {
    let layer: SparseLinear
    let x: Matrix  // (n_in, B)
    let dY: Matrix  // (n_out, B)
  }

  func makeSetup(seed: UInt64 = 1, inputs: Int = 70, outputs: Int = 150, batch: Int = 9) -> Setup {
    var g = SeededGenerator(seed: seed)
    let layer = SparseLinear(pattern: ErdosRenyiTopology.pattern(inputSize: inputs, outputSize: outputs, density: 0.1, using: &g), using: &g)
    let x = Matrix(rows: inputs, columns: batch), dY = Matrix(rows: outputs, columns: batch)
    for i in x.elements.indices { x.elements[i] = g.nextNormal() }
    for i in dY.elements.indices { dY.elements[i] = g.nextNormal() }
    return Setup(layer: layer, x: x, dY: dY)
  }

  /// The dense gradient dY·Xᵀ in Double: the obviously correct reference.
  func denseGradient(_ s: Setup) -> [[Double]] {
    (0..<s.dY.rows).map { i in
      (0..<s.x.rows).map { j in (0..<s.x.columns).reduce(0.0) { $0 + Double(s.dY[i, $1]) * Double(s.x[j, $1]) } }
    }
  }

  func testGrowthEqualsTheTopAbsentDenseGradientPositions() {
    // 150 rows span three 64-row blocks, so block edges are exercised.
    let s = makeSetup()
    let old = s.layer.pattern
    let rigl = RigLEvolution(zeta: 0.3)
    let drop = rigl.dropMask(s.layer.weight.value)
    let count = drop.filter { $0 }.count
    let grown = rigl.growthPositions(old, excluding: drop, count: count, input: s.x, outputGradient: s.dY)
    // Reference: every position no survivor holds, ranked by |g|.
    let g = denseGradient(s)
    var candidates: [(score: Double, key: Int)] = []
    for i in 0..<old.rows {
      for j in 0..<old.columns {
        if let k = old.position(row: i, column: j), !drop[k] { continue }
        candidates.append((abs(g[i][j]), i * old.columns + j))
      }
    }
    candidates.sort { $0.score > $1.score }
    XCTAssertEqual(grown, candidates.prefix(count).map(\.key).sorted())
    // Margin at the cut, so Float rounding cannot flip the choice.
    XCTAssertGreaterThan(candidates[count - 1].score - candidates[count].score, 1e-4)
  }

  func testRewireGrowsTheGradientChoiceAtZeroWithZeroState() throws {
    let s = makeSetup(seed: 2)
    s.layer.weight.optimizerState = [s.layer.weight.value.map { $0 + 1 }]
    let old = s.layer.weights
    let rigl = RigLEvolution(zeta: 0.25)
    let drop = rigl.dropMask(old.values)
    let grown = Set(rigl.growthPositions(old.pattern, excluding: drop, count: drop.filter { $0 }.count, input: s.x, outputGradient: s.dY))
    let report = rigl.rewire(s.layer, input: s.x, outputGradient: s.dY)
    XCTAssertEqual(report.added, grown.count)
    let p = s.layer.pattern
    for i in 0..<p.rows {
      for k in Int(p.rowPointers[i])..<Int(p.rowPointers[i + 1]) {
        let key = i * p.columns + Int(p.columnIndices[k])
        if grown.contains(key) {
          XCTAssertEqual(s.layer.weight.value[k], 0)
          XCTAssertEqual(s.layer.weight.optimizerState[0][k], 0)
        } else {
          let o = try XCTUnwrap(old.pattern.position(row: i, column: Int(p.columnIndices[k])))
          XCTAssertFalse(drop[o])
          XCTAssertEqual(s.layer.weight.value[k], old.values[o])
        }
      }
    }
  }

  func testConnectionCountIsPreservedAndNothingDuplicates() throws {
    let s = makeSetup(seed: 3)
    let before = s.layer.connectionCount
    for _ in 0..<4 {
      // Give the zero-weight newcomers some magnitude so drops vary.
      for k in s.layer.weight.value.indices where s.layer.weight.value[k] == 0 { s.layer.weight.value[k] = 0.5 }
      let report = RigLEvolution(zeta: 0.4).rewire(s.layer, input: s.x, outputGradient: s.dY)
      XCTAssertEqual(report.removed, report.added)
      XCTAssertEqual(s.layer.connectionCount, before)
      try s.layer.pattern.validate()
    }
  }

  func testDropRemovesTheSmallestMagnitudesWithTiesInPositionOrder() {
    let values: [Float] = [0.5, -0.1, 0.2, -0.9, 0.1, 0.3, -0.05, 0.7]
    // ⌊0.5·8⌋ = 4: −0.05 (6), then |0.1| at 1 and 4, then 0.2 (2).
    let mask = RigLEvolution(zeta: 0.5).dropMask(values)
    XCTAssertEqual(mask.enumerated().filter(\.element).map(\.offset), [1, 2, 4, 6])
    let tied: [Float] = [0.1, -0.1, 0.1, 0.1]
    XCTAssertEqual(RigLEvolution(zeta: 0.5).dropMask(tied), [true, true, false, false])
  }

  func testExcludingDroppedPositionsNeverRegrowsThem() throws {
    let s = makeSetup(seed: 4)
    let old = s.layer.pattern
    let rigl = RigLEvolution(zeta: 0.3, regrowDropped: false)
    _ = rigl.rewire(s.layer, input: s.x, outputGradient: s.dY)
    let grown = TopologyStatistics.keys(s.layer.pattern).subtracting(TopologyStatistics.keys(old))
    XCTAssertEqual(grown.count, Int(0.3 * Double(old.nonzeroCount)))
    XCTAssertEqual(s.layer.connectionCount, old.nonzeroCount)
  }

  func testWideLayerUsesSmallerBlocksAndStillFindsTheTopScores() {
    // 70 000 inputs: blocks of 59 rows keep a block under 4 M floats, so the
    // 80 rows span a full and a partial block.
    let (inputs, outputs, batch) = (70_000, 80, 3)
    var g = SeededGenerator(seed: 5)
    let layer = SparseLinear(pattern: ErdosRenyiTopology.pattern(inputSize: inputs, outputSize: outputs, density: 0.005, using: &g), using: &g)
    let x = Matrix(rows: inputs, columns: batch), dY = Matrix(rows: outputs, columns: batch)
    for i in x.elements.indices { x.elements[i] = g.nextNormal() }
    for i in dY.elements.indices { dY.elements[i] = g.nextNormal() }
    let rigl = RigLEvolution(zeta: 0.1)
    let drop = rigl.dropMask(layer.weight.value)
    let count = drop.filter { $0 }.count
    let grown = rigl.growthPositions(layer.pattern, excluding: drop, count: count, input: x, outputGradient: dY)
    XCTAssertEqual(grown.count, count)
    let chosen = Set(grown)
    let (xs, ds) = (x.elements, dY.elements)
    func score(_ key: Int) -> Float {
      let (i, j) = (key / inputs, key % inputs)
      return abs(ds[i * batch] * xs[j * batch] + ds[i * batch + 1] * xs[j * batch + 1] + ds[i * batch + 2] * xs[j * batch + 2])
    }
    let weakestChosen = grown.map(score).min()!
    // No absent position left out scores above the weakest chosen one.
    var strongestLeft: Float = 0
    for i in 0..<outputs {
      for j in 0..<inputs where !chosen.contains(i * inputs + j) {
        if let k = layer.pattern.position(row: i, column: j), !drop[k] { continue }
        strongestLeft = max(strongestLeft, score(i * inputs + j))
      }
    }
    XCTAssertLessThanOrEqual(strongestLeft, weakestChosen + 1e-5)
  }

  func testCaptureRecordsEachSparseLayersInputAndOutputGradient() {
    var g = SeededGenerator(seed: 6)
    let first = SparseLinear(inputSize: 20, outputSize: 30, epsilon: 3, using: &g)
    let second = SparseLinear(inputSize: 30, outputSize: 5, epsilon: 2, using: &g)
    let model = Sequential([first, Tanh(size: 30), second])
    let x = Matrix(rows: 20, columns: 6), t = Matrix(rows: 5, columns: 6)
    for i in x.elements.indices { x.elements[i] = g.nextNormal() }
    for j in 0..<6 { t[j % 5, j] = 1 }
    let capture = GradientCapture()
    capture.capture(model: model, features: x, targets: t)
    // Replaying a normal step: the SDDMM of the recorded factors is the layer's weight gradient.
    _ = model.forward(x, training: true)
    let dZ = Matrix(rows: 0, columns: 0)
    _ = SoftmaxCrossEntropy()(model.forward(x, training: true), t, gradient: dZ)
    model.backward(dZ)
    for layer in [first, second] {
      guard let batch = capture.batch(for: layer) else { return XCTFail("no batch for \(layer.name)") }
      var sampled = [Float](repeating: 0, count: layer.connectionCount)
      SparseKernels.sampledProduct(layer.pattern, batch.outputGradient, batch.input, into: &sampled)
      for (a, b) in zip(sampled, layer.weight.gradient) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }
  }

  func testStrategyRewiresFromTheCapturedBatch() {
    let s = makeSetup(seed: 7), twin = makeSetup(seed: 7)
    let capture = GradientCapture()
    capture.record(s.layer, input: s.x, outputGradient: s.dY)
    var g = SeededGenerator(seed: 0)
    let strategy: EvolutionStrategy = RigLEvolution(zeta: 0.3, gradients: capture)
    _ = strategy.rewire(s.layer, using: &g)
    RigLEvolution(zeta: 0.3).rewire(twin.layer, input: twin.x, outputGradient: twin.dY)
    XCTAssertEqual(s.layer.pattern, twin.layer.pattern)
    XCTAssertEqual(strategy.name, "rigl")
  }
}
