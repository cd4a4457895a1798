import XCTest
@testable import Sprig

final class FanInScalingTests: XCTestCase {
  func testScaleIsOneUpToTheReferenceAndReferenceOverFanInBeyond() {
    let scaling = FanInScaling(reference: 256)
    XCTAssertEqual(scaling.scale(fanIn: 40), 1)
    XCTAssertEqual(scaling.scale(fanIn: 256), 1)
    XCTAssertEqual(scaling.scale(fanIn: 1024), 0.25)
    XCTAssertEqual(scaling.scale(fanIn: 10_000), 0.0256, accuracy: 1e-7)
  }

  func testDenseLayersScaleByTheirInputsAndSparseLayersByTheirMeanInDegree() {
    var g = SeededGenerator(seed: 1)
    let sparse = SparseLinear(pattern: randomPattern(rows: 1024, columns: 2048, density: 0.02, seed: 2), using: &g)
    let dense = Linear(inputSize: 1024, outputSize: 10, using: &g)
    let model = Sequential([sparse, dense])
    FanInScaling(reference: 256).apply(to: model)
    let inDegree = Double(sparse.connectionCount) / 1024  // ≈ 41
    XCTAssertLessThan(inDegree, 256)
    XCTAssertEqual(sparse.weight.fanInScale, 1)
    XCTAssertEqual(dense.weight.fanInScale, 0.25)
    XCTAssertEqual(dense.bias.fanInScale, 0.25)
    FanInScaling.remove(from: model)
    XCTAssertEqual(dense.weight.fanInScale, 1)
  }

  func testSGDStepsAParameterByTheRateTimesItsFanInScale() {
    let p = Parameter(name: "weight", value: [1, 1], decays: false)
    p.gradient = [1, -2]
    p.fanInScale = 0.25
    SGD(learningRate: 0.4, momentum: 0, weightDecay: 0).step([p])
    XCTAssertEqual(p.value[0], 0.9, accuracy: 1e-6)
    XCTAssertEqual(p.value[1], 1.2, accuracy: 1e-6)
  }

  /// A net whose dense output layer reads 4,096 units: at a rate tuned for
  /// sparse layers its first epoch diverges unless the rate follows fan-in.
  func wideNetFirstEpochLoss(referenceFanIn: Int) throws -> Double {
    var g = SeededGenerator(seed: 7)
    let hidden = SparseLinear(pattern: randomPattern(rows: 4096, columns: 100, density: 0.2, seed: 8), using: &g)
    let model = Sequential([hidden, ReLU(size: 4096), Linear(inputSize: 4096, outputSize: 10, using: &g)])
    var options = TrainingOptions()
    (options.epochs, options.batchSize, options.seed, options.zeta) = (1, 32, 3, 0)
    options.learningRate = 0.2
    options.referenceFanIn = referenceFanIn
    let data = DatasetSplit(name: "blobs", train: blobs(classes: 10, features: 100, perClass: 64, seed: 4),
                            test: blobs(classes: 10, features: 100, perClass: 10, seed: 4))
    return try Trainer(model: model, options: options).fit(data)[0].trainLoss
  }

  func testAWideDenseLayerTrainsWithoutAFirstEpochSpikeWhenItsRateFollowsFanIn() throws {
    let scaled = try wideNetFirstEpochLoss(referenceFanIn: 256)
    let unscaled = try wideNetFirstEpochLoss(referenceFanIn: 0)
    XCTAssertLessThan(scaled, log(10.0), "the scaled net's first epoch should do better than chance")
    XCTAssertGreaterThan(unscaled, 2 * scaled, "without scaling the first epoch should spike (scaled \(scaled), unscaled \(unscaled))")
  }

  func testTrainerPutsEveryParameterBackAtTheBaseRateAfterFitting() throws {
    var g = SeededGenerator(seed: 1)
    let model = Sequential([Linear(inputSize: 20, outputSize: 3, using: &g)])
    var options = smallOptions(epochs: 1)
    options.referenceFanIn = 5
    _ = try Trainer(model: model, options: options).fit(blobSplit())
    XCTAssertEqual(model.parameters.map(\.fanInScale), [1, 1])
  }
}

final class MLPRecipeTests: XCTestCase {
  func testColourImagesGetThePapersCIFARArchitectureAndTheReferenceAugmentation() {
    let recipe = MLPRecipe(for: ImageShape(height: 32, width: 32, channels: 3))
    XCTAssertEqual(recipe.hiddenSizes, [4000, 1000, 4000])
    XCTAssertEqual(recipe.epsilon, 20)
    XCTAssertEqual(recipe.augmentation, ImageAugmentation(maxShift: 3, horizontalFlip: true))
  }

  func testGreyscaleImagesGetThreeLayersOfAThousandAndShiftsWithoutMirroring() {
    let recipe = MLPRecipe(for: ImageShape(height: 28, width: 28))
    XCTAssertEqual(recipe.hiddenSizes, [1000, 1000, 1000])
    XCTAssertEqual(recipe.augmentation, ImageAugmentation(maxShift: 2, horizontalFlip: false))
  }

  func testThePapersSettingsAugmentOnlyColourImagesWithSReLUAndDropout() {
    let digits = MLPRecipe.setPaper(for: ImageShape(height: 28, width: 28), dataset: .mnist)
    XCTAssertNil(digits.training().augmentation)
    XCTAssertEqual(digits.training(), {
      var o = TrainingOptions.setPaper
      o.batchSize = 128
      return o
    }())
    let config = digits.configuration(shape: ImageShape(height: 28, width: 28), classes: 10)
    XCTAssertEqual(config.activation, .srelu)
    XCTAssertEqual(config.dropout, 0.3)
    let photos = MLPRecipe.setPaper(for: ImageShape(height: 32, width: 32, channels: 3), dataset: .cifar10)
    XCTAssertEqual(photos.training().augmentation, ImageAugmentation(maxShift: 3, horizontalFlip: true))
    XCTAssertEqual(photos.training().batchSize, 128)
    XCTAssertEqual(photos.hiddenSizes, [4000, 1000, 4000])
  }

  func testPlainFeaturesAreNotAugmented() {
    XCTAssertNil(MLPRecipe(for: ImageShape(height: 1, width: 20)).augmentation)
  }

  func testADenseRecipeDoesNotEvolve() {
    let recipe = MLPRecipe(for: ImageShape(height: 28, width: 28))
    XCTAssertEqual(recipe.training(sparse: false).zeta, 0)
    XCTAssertNil(recipe.configuration(shape: ImageShape(height: 28, width: 28), classes: 10, sparse: false).epsilon)
  }
}
