import XCTest
@testable import Sprig

final class AutoencoderTests: XCTestCase {
  /// Compares every parameter gradient of `model`'s loss on `x` with central
  /// differences; the loss is re-evaluated with `seed` each time, so the
  /// denoising corruption is the same noise in every evaluation.
  func checkAutoencoderGradients(_ model: Autoencoder, _ x: Matrix, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
    func loss() -> Double {
      var rng = SeededGenerator(seed: seed)
      return Double(model.computeLossAndGradients(x, using: &rng).total)
    }
    _ = loss()
    let analytic = model.parameters.map(\.gradient)
    let h: Float = 1e-3
    for (p, parameter) in model.parameters.enumerated() {
      for i in parameter.value.indices {
        let keep = parameter.value[i]
        parameter.value[i] = keep + h
        let up = loss()
        parameter.value[i] = keep - h
        let down = loss()
        parameter.value[i] = keep
        let numeric = (up - down) / Double(2 * h)
        XCTAssertEqual(
          Double(analytic[p][i]), numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(parameter.name)[\(i)]", file: file, line: line)
      }
    }
  }

  // Hidden units are tanh: a ReLU network can sit exactly on its kink (a sample
  // whose hidden units are all off has code 0 and the decoder's pre-activations
  // are then exactly 0), where one-sided derivatives differ from the central difference.
  func testUndercompleteAutoencoderGradientsMatchFiniteDifferences() {
    let model = Autoencoder(inputSize: 6, hiddenSizes: [5], codeSize: 3, activation: .tanh, codeActivation: .tanh, seed: 1)
    checkAutoencoderGradients(model, randomMatrix(rows: 6, columns: 4, seed: 2), seed: 3)
  }

  func testSparseAutoencoderL1PenaltyGradientsMatchFiniteDifferences() {
    let model = Autoencoder(inputSize: 6, hiddenSizes: [5], codeSize: 4, activation: .tanh, codeActivation: .tanh, codePenalty: 0.3, seed: 4)
    let x = randomMatrix(rows: 6, columns: 4, seed: 5)
    var rng = SeededGenerator(seed: 6)
    XCTAssertGreaterThan(model.computeLossAndGradients(x, using: &rng).codePenalty, 0)
    checkAutoencoderGradients(model, x, seed: 6)
  }

  func testDenoisingAutoencoderGradientsMatchFiniteDifferencesWithFixedNoise() {
    let model = Autoencoder(
      inputSize: 6, hiddenSizes: [5], codeSize: 3, activation: .tanh, codeActivation: .tanh, corruption: .gaussian(standardDeviation: 0.3), seed: 7)
    checkAutoencoderGradients(model, randomMatrix(rows: 6, columns: 4, seed: 8), seed: 9)
  }

  func testMaskingDenoisingAutoencoderWithSparseLayersGradientsMatchFiniteDifferences() {
    let model = Autoencoder(
      inputSize: 20, codeSize: 4, epsilon: 1, codeActivation: .sigmoid, codePenalty: 0.05,
      corruption: .masking(fraction: 0.25), seed: 10)
    XCTAssertEqual(model.sparseLayers.count, 2)
    checkAutoencoderGradients(model, randomMatrix(rows: 20, columns: 3, seed: 11), seed: 12)
  }

  func testSparseAutoencoderPenaltyIsLambdaTimesMeanCodeL1Norm() {
    let model = Autoencoder(inputSize: 4, codeSize: 2, codeActivation: .tanh, codePenalty: 0.5, seed: 13)
    let x = randomMatrix(rows: 4, columns: 3, seed: 14)
    let code = model.encode(x).copy()
    var rng = SeededGenerator(seed: 0)
    let loss = model.computeLossAndGradients(x, using: &rng)
    XCTAssertEqual(loss.codePenalty, 0.5 * code.elements.map(abs).reduce(0, +) / 3, accuracy: 1e-5)
  }

  func testMaskingCorruptionZeroesAboutTheRequestedFractionReproducibly() {
    let x = Matrix(rows: 100, columns: 100, repeating: 1)
    let a = Matrix(rows: 0, columns: 0), b = Matrix(rows: 0, columns: 0)
    var g1 = SeededGenerator(seed: 15), g2 = SeededGenerator(seed: 15)
    InputCorruption.masking(fraction: 0.3).apply(to: x, into: a, using: &g1)
    InputCorruption.masking(fraction: 0.3).apply(to: x, into: b, using: &g2)
    XCTAssertEqual(a, b)
    let zeroed = Double(a.elements.filter { $0 == 0 }.count) / 10_000
    XCTAssertEqual(zeroed, 0.3, accuracy: 0.02)
  }

  func testAutoencoderTrainingReducesReconstructionError() {
    // Eight-dimensional points on a two-dimensional plane: a code of 2 suffices.
    var g = SeededGenerator(seed: 16)
    let basis = (0..<16).map { _ in g.nextUnitFloat() * 2 - 1 }
    var features: [Float] = []
    for _ in 0..<256 {
      let (u, v) = (g.nextUnitFloat() * 2 - 1, g.nextUnitFloat() * 2 - 1)
      features += (0..<8).map { u * basis[$0] + v * basis[8 + $0] }
    }
    let data = LabeledData(features: features, labels: [Int32](repeating: 0, count: 256), shape: ImageShape(height: 1, width: 8), classCount: 1)
    let model = Autoencoder(inputSize: 8, codeSize: 2, codeActivation: .linear, seed: 17)
    let before = model.reconstructionError(on: data)
    model.fit(data, epochs: 30, batchSize: 32, optimizer: Adam(learningRate: 0.01), seed: 18)
    XCTAssertLessThan(model.reconstructionError(on: data), 0.05 * before)
  }
}
