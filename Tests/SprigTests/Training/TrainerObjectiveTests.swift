import XCTest
@testable import Sprig

/// What the trainer optimises besides classification, and what it refuses.
final class TrainerObjectiveTests: XCTestCase {
  /// 64 images of 6×6 pixels in [0, 1]: a bright left or right half.
  private func halves(_ n: Int, seed: UInt64) -> LabeledData {
    var g = SeededGenerator(seed: seed)
    var features: [Float] = [], labels: [Int32] = []
    for _ in 0..<n {
      let label = Int32(g.nextInt(below: 2))
      for _ in 0..<6 {
        for x in 0..<6 { features.append(((x < 3) == (label == 1) ? 0.8 : 0.1) + 0.1 * g.nextUnitFloat()) }
      }
      labels.append(label)
    }
    return LabeledData(features: features, labels: labels, shape: ImageShape(height: 6, width: 6), classCount: 2)
  }

  func testReconstructionObjectiveComesFromTheDescriptionsLoss() throws {
    var description = ModelDescription(input: InputDescription(features: 36), layers: [.linear(units: 36)])
    XCTAssertEqual(try TrainingObjective(description: description), .classification)
    description.loss = "mse"
    XCTAssertEqual(try TrainingObjective(description: description), .reconstruction(.meanSquaredError))
    description.loss = "mean-squared"
    XCTAssertThrowsError(try TrainingObjective(description: description)) { error in
      XCTAssertTrue("\(error)".contains("loss"), "\(error)")
      XCTAssertTrue("\(error)".contains("mse"), "\(error)")
    }
  }

  func testAnAutoencoderLearnsToReconstructItsInput() throws {
    let split = DatasetSplit(name: "halves", train: halves(256, seed: 1), test: halves(64, seed: 2))
    var description = ModelDescription(
      input: InputDescription(features: 36),
      layers: [.linear(units: 8), .activation(.relu), .linear(units: 36), .activation(.sigmoid)])
    description.loss = "mse"
    let model = try Sequential(description: description, seed: 3)
    var options = TrainingOptions()
    options.epochs = 1
    options.optimizer = .adam
    options.learningRate = 1e-2
    options.batchSize = 16
    options.zeta = 0
    let before = Trainer.evaluate(model, on: split.test, objective: .reconstruction(.meanSquaredError))
    options.epochs = 20
    let trainer = Trainer(model: model, options: options)
    XCTAssertEqual(trainer.objective, .reconstruction(.meanSquaredError), "taken from the description's loss")
    let history = try trainer.fit(split)
    XCTAssertLessThan(history.last!.testLoss, before.loss / 4, "reconstruction error falls")
    XCTAssertEqual(history.last!.testAccuracy, 0, "no accuracy is measured for a reconstruction")
  }

  func testAReconstructionModelNeedsOneOutputPerInputFeature() throws {
    let split = DatasetSplit(name: "halves", train: halves(32, seed: 1), test: halves(8, seed: 2))
    let model = try Sequential(
      description: ModelDescription(input: InputDescription(features: 36), layers: [.linear(units: 10)]), seed: 0)
    var options = TrainingOptions()
    options.epochs = 1
    let trainer = Trainer(model: model, options: options, objective: .reconstruction(.meanSquaredError))
    XCTAssertThrowsError(try trainer.fit(split)) { error in
      XCTAssertTrue("\(error)".contains("one per input feature"), "\(error)")
    }
  }

  func testRigLRefusesSparseMatricesInsideOtherLayers() throws {
    var rng = SeededGenerator(seed: 0)
    let shape = ImageShape(height: 6, width: 6)
    let conv = SparseConv2D(input: shape, outputChannels: 4, kernelSize: 3, density: 0.5, using: &rng)
    let model = Sequential([
      conv, ReLU(size: conv.outputSize), Flatten(shape: conv.outputShape),
      Linear(inputSize: conv.outputSize, outputSize: 2, using: &rng),
    ])
    var options = TrainingOptions()
    options.epochs = 2
    options.evolution = .rigl
    let trainer = Trainer(model: model, options: options, evolution: try options.makeEvolution(initialization: .heUniform))
    let split = DatasetSplit(name: "halves", train: halves(32, seed: 1), test: halves(8, seed: 2))
    XCTAssertThrowsError(try trainer.fit(split)) { error in
      XCTAssertTrue("\(error)".contains("layer 0 (SparseConv2D"), "\(error)")
      XCTAssertTrue("\(error)".contains("--evolution set"), "\(error)")
    }
  }

  func testATrainingBlockMayLeaveFieldsOut() throws {
    let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(#"{"optimizer": "adam", "epochs": 3}"#.utf8))
    var expected = TrainingOptions()
    expected.optimizer = .adam
    expected.epochs = 3
    XCTAssertEqual(options, expected)
  }

  func testATrainingBlockRoundTrips() throws {
    var options = TrainingOptions()
    options.maxGradientNorm = 5
    options.evolutionEnd = 7
    options.zetaSchedule = .cosine
    let data = try JSONEncoder().encode(options)
    XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: data), options)
  }

  func testGradientClippingWrapsTheOptimizer() {
    var options = TrainingOptions()
    XCTAssertTrue(options.makeOptimizer() is SGD)
    options.maxGradientNorm = 1
    XCTAssertTrue(options.makeOptimizer() is GradientClippingOptimizer)
  }
}
