import XCTest
@testable import Sprig

/// An activation's own settings in a model description (a leaky ReLU's
/// slope) and the optimizer settings of the training block.
final class ActivationSettingsDescriptionTests: XCTestCase {
  private func leaky(slope: Float?) -> ModelDescription {
    ModelDescription(
      input: InputDescription(features: 3), layers: [.linear(units: 4), .activation(.leakyReLU, slope: slope), .linear(units: 1)])
  }

  func testALeakyReLUsSlopeIsBuiltAndDescribedBack() throws {
    let model = try Sequential(description: leaky(slope: 0.2), seed: 0)
    XCTAssertEqual(try XCTUnwrap(model.layers[1] as? LeakyReLU).slope, 0.2)
    let x = Matrix(rows: 4, columns: 1, elements: [-1, 2, -3, 0.5])
    XCTAssertEqual(Array(model.layers[1].forward(x, training: false).elements), [-0.2, 2, -0.6, 0.5])
    let described = try ModelDescription(json: model.description.json(), source: "test")
    XCTAssertEqual(described.layers[1].slope, 0.2)
  }

  func testTheDefaultSlopeIsLeftOutOfTheDescription() throws {
    let model = try Sequential(description: leaky(slope: nil), seed: 0)
    XCTAssertEqual(try XCTUnwrap(model.layers[1] as? LeakyReLU).slope, 0.01)
    XCTAssertNil(Sequential(model.layers).description.layers[1].slope)
  }

  func testASlopeOnAnotherActivationIsRefusedNamingTheField() {
    var description = leaky(slope: 0.2)
    description.layers[1].activation = .relu
    XCTAssertThrowsError(try Sequential(description: description, seed: 0)) { error in
      XCTAssertEqual((error as? ModelDescriptionError)?.path, "layers[1].slope")
    }
  }

  func testAdamsBetasComeFromTheTrainingOptions() throws {
    let options = try JSONDecoder().decode(
      TrainingOptions.self, from: Data(#"{"optimizer": "adam", "adamBeta1": 0.5}"#.utf8))
    let adam = try XCTUnwrap(options.makeOptimizer() as? Adam)
    XCTAssertEqual(adam.beta1, 0.5)
    XCTAssertEqual(adam.beta2, 0.999, "a left-out β₂ keeps its default")
  }
}
