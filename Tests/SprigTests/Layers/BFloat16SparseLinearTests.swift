import XCTest

@testable import Sprig

/// A sparse layer with bf16 activations computes what the FP32 layer
/// computes on its input and output gradient rounded to bfloat16.
final class BFloat16SparseLinearTests: XCTestCase {
  private func layerPair(seed: UInt64) -> (bf16: SparseLinear, fp32: SparseLinear) {
    var g = SeededGenerator(seed: seed)
    let a = SparseLinear(inputSize: 70, outputSize: 45, epsilon: 10, using: &g)
    a.bias.value = (0..<45).map { _ in g.nextNormal() * 0.5 }
    let b = try! SparseLinear(pattern: a.pattern, weights: a.weight.value, bias: a.bias.value)
    a.activationPrecision = .bf16
    return (a, b)
  }

  private func maxRelativeDifference(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
    zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
  }

  func testForwardIsTheFP32ForwardOfTheRoundedInput() {
    let (bf16, fp32) = layerPair(seed: 1)
    for batch in [1, 33, 128] {
      let x = randomMatrix(rows: 70, columns: batch, seed: UInt64(batch))
      let y = bf16.forward(x, training: false).copy()
      let reference = fp32.forward(BFloat16Matrix(rounding: x).widened(), training: false)
      XCTAssertLessThanOrEqual(maxRelativeDifference(y.elements, reference.elements), 1e-5, "batch \(batch)")
      XCTAssertGreaterThan(maxRelativeDifference(y.elements, fp32.forward(x, training: false).elements), 0,
        "the input was rounded")
    }
  }

  func testBackwardIsTheFP32BackwardOfTheRoundedInputAndGradient() {
    let threads = Parallel.threadCount
    defer { Parallel.threadCount = threads }
    for threadCount in [1, 2] {  // one thread on AVX-512 would take FP32's one-pass backward
      Parallel.threadCount = threadCount
      let (bf16, fp32) = layerPair(seed: 2)
      let x = randomMatrix(rows: 70, columns: 128, seed: 3), dY = randomMatrix(rows: 45, columns: 128, seed: 4)
      _ = bf16.forward(x, training: true)
      let dX = bf16.backward(dY).copy()
      _ = fp32.forward(BFloat16Matrix(rounding: x).widened(), training: true)
      let dXReference = fp32.backward(BFloat16Matrix(rounding: dY).widened())
      XCTAssertLessThanOrEqual(maxRelativeDifference(dX.elements, dXReference.elements), 1e-5, "\(threadCount) threads")
      XCTAssertLessThanOrEqual(maxRelativeDifference(bf16.weight.gradient, fp32.weight.gradient), 1e-5)
      let sums = fp32.bias.gradient.indices.map { i in (0..<128).reduce(Float(0)) { $0 + dY[i, $1] } }
      XCTAssertLessThanOrEqual(maxRelativeDifference(bf16.bias.gradient, sums), 1e-5, "the bias gradient sums the FP32 dY")
      XCTAssertGreaterThan(maxRelativeDifference(fp32.bias.gradient, sums), 1e-4, "…which the rounded one does not")
    }
  }

  func testTrainerGivesEverySparseLayerTheOptionsPrecision() {
    let model = smallModel()
    var options = smallOptions()
    options.activationPrecision = .bf16
    _ = Trainer(model: model, options: options)
    XCTAssertEqual(model.sparseLayers.map(\.activationPrecision), [ActivationPrecision](repeating: .bf16, count: model.sparseLayers.count))
  }

  func testSparseMLPLearnsSeparableBlobsWithBFloat16Activations() throws {
    var options = smallOptions()
    options.activationPrecision = .bf16
    let history = try Trainer(model: smallModel(), options: options).fit(blobSplit())
    XCTAssertGreaterThan(history.last!.testAccuracy, 0.95)
    XCTAssertLessThan(history.last!.trainLoss, history.first!.trainLoss)
  }

  func testPrecisionIsReadFromATrainingBlockAndAnUnknownOneIsRefused() throws {
    let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(#"{"activationPrecision": "bf16"}"#.utf8))
    XCTAssertEqual(options.activationPrecision, .bf16)
    XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: Data("{}".utf8)).activationPrecision, .fp32)
    XCTAssertThrowsError(try JSONDecoder().decode(TrainingOptions.self, from: Data(#"{"activationPrecision": "fp8"}"#.utf8)))
  }
}
