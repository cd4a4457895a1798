import XCTest
@testable import Sprig

final class MomentumFoldTests: XCTestCase {
  override func tearDown() { SparseKernels.instructionSet = SparseKernels.detectedInstructionSet }

  /// A sparse layer after `steps` SGD steps on fixed inputs and output
  /// gradients, with the momentum update folded into its kernels or not.
  func trainedWeights(folded: Bool, backend: SparseBackend = .sprig, steps: Int = 4) -> (weights: [Float], bias: [Float]) {
    var rng = SeededGenerator(seed: 3)
    let layer = SparseLinear(pattern: randomPattern(rows: 40, columns: 30, density: 0.3, seed: 4), using: &rng)
    layer.backend = backend
    let sgd = SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 0.01)
    if folded { sgd.foldMomentum(into: layer.parameters) }
    for step in 0..<steps {
      let x = randomMatrix(rows: 30, columns: 17, seed: UInt64(10 + step))
      _ = layer.forward(x, training: true)
      _ = layer.backward(randomMatrix(rows: 40, columns: 17, seed: UInt64(20 + step)))
      sgd.step(layer.parameters)
    }
    return (layer.weight.value, layer.bias.value)
  }

  func testFoldedMomentumTrainsLikeOrdinaryGradientsOnEveryCodePath() {
    let reference = trainedWeights(folded: false)
    for isa in InstructionSet.allCases {
      SparseKernels.instructionSet = isa
      guard SparseKernels.instructionSet == isa else { continue }
      let folded = trainedWeights(folded: true)
      for (a, b) in zip(folded.weights, reference.weights) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(isa)") }
      XCTAssertEqual(folded.bias, reference.bias, "\(isa)")
    }
  }

  func testFoldedMomentumTrainsLikeOrdinaryGradientsOnGraphBLAS() {
    let reference = trainedWeights(folded: false, backend: .graphBLAS)
    let folded = trainedWeights(folded: true, backend: .graphBLAS)
    for (a, b) in zip(folded.weights, reference.weights) { XCTAssertEqual(a, b, accuracy: 1e-5) }
  }

  func testFoldingReleasesTheGradientOfSparseWeightsOnly() {
    var rng = SeededGenerator(seed: 1)
    let layer = SparseLinear(inputSize: 1000, outputSize: 1000, epsilon: 20, using: &rng)
    let sgd = SGD(learningRate: 0.01, momentum: 0.9, weightDecay: 2e-4)
    sgd.foldMomentum(into: layer.parameters)
    XCTAssertTrue(layer.weight.gradient.isEmpty)
    XCTAssertEqual(layer.bias.gradient.count, 1000)  // biases keep theirs
    // Value, column, velocity, Wᵀ column and position, plus row pointers.
    XCTAssertLessThan(layer.bytesPerConnection, 21)
    sgd.unfoldMomentum(layer.parameters)
    XCTAssertEqual(layer.weight.gradient.count, layer.connectionCount)
    XCTAssertGreaterThan(layer.bytesPerConnection, 24)
  }

  func testNesterovAndPlainSGDDoNotFold() {
    var rng = SeededGenerator(seed: 1)
    let layer = SparseLinear(inputSize: 20, outputSize: 10, epsilon: 3, using: &rng)
    SGD(learningRate: 0.1, momentum: 0.9, nesterov: true).foldMomentum(into: layer.parameters)
    SGD(learningRate: 0.1).foldMomentum(into: layer.parameters)
    XCTAssertNil(layer.weight.momentumFold)
    XCTAssertEqual(layer.weight.gradient.count, layer.connectionCount)
  }

  func testRewiringKeepsTheFoldAndTheSurvivorsVelocity() {
    var rng = SeededGenerator(seed: 2)
    let layer = SparseLinear(inputSize: 50, outputSize: 40, epsilon: 5, using: &rng)
    let sgd = SGD(learningRate: 0.1, momentum: 0.9)
    sgd.foldMomentum(into: layer.parameters)
    _ = layer.forward(randomMatrix(rows: 50, columns: 8, seed: 1), training: true)
    _ = layer.backward(randomMatrix(rows: 40, columns: 8, seed: 2))
    func keys(_ p: SparsityPattern) -> [Int] {
      (0..<p.rows).flatMap { i in p.columns(ofRow: i).map { i * p.columns + Int($0) } }
    }
    let before = Dictionary(
      uniqueKeysWithValues: zip(keys(layer.pattern), zip(layer.weight.value, layer.weight.optimizerState[0])))
    _ = SETEvolution(zeta: 0.3).rewire(layer, using: &rng)
    XCTAssertNotNil(layer.weight.momentumFold)
    XCTAssertTrue(layer.weight.gradient.isEmpty)
    var survivors = 0
    for (key, (w, v)) in zip(keys(layer.pattern), zip(layer.weight.value, layer.weight.optimizerState[0])) {
      // A survivor keeps its weight; a slot pruned and regrown gets a new one.
      if let old = before[key], old.0 == w {
        XCTAssertEqual(v, old.1)
        survivors += 1
      }
    }
    XCTAssertGreaterThan(survivors, 0)
  }

  func testTrainerRestoresOrdinaryGradientsWhenFitEnds() throws {
    let model = smallModel()
    try Trainer(model: model, options: smallOptions(epochs: 2)).fit(blobSplit())
    for layer in model.sparseLayers {
      XCTAssertNil(layer.weight.momentumFold)
      XCTAssertEqual(layer.weight.gradient.count, layer.connectionCount)
    }
  }
}
