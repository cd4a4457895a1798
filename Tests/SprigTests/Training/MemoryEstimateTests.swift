import XCTest
@testable import Sprig
@testable import SprigCLI

/// The memory estimate of a description, and the refusal of models that
/// do not fit, before anything is allocated.
final class MemoryEstimateTests: XCTestCase {
  private func mlp(_ hidden: [Int], epsilon: Double? = 10, inputs: Int = 784) -> ModelDescription {
    var layers: [LayerDescription] = []
    for h in hidden {
      layers.append(epsilon.map { .sparseLinear(units: h, topology: .er(epsilon: $0)) } ?? .linear(units: h))
      layers.append(.activation(.relu))
    }
    layers.append(.linear(units: 10))
    return ModelDescription(input: InputDescription(features: inputs), layers: layers)
  }

  func testTheEstimatedConnectionsAreThoseAnERModelDraws() throws {
    let description = mlp([600, 500])
    let estimate = try MemoryEstimate(description: description)
    let model = try Sequential(description: description, seed: 3)
    let drawn = model.sparseLayers.reduce(0) { $0 + $1.connectionCount }
    XCTAssertEqual(Double(estimate.connections), Double(drawn), accuracy: 0.02 * Double(drawn))
  }

  func testASparseLayersBytesAreItsConnectionsTimesWhatEachKeeps() throws {
    let description = mlp([2000])
    let estimate = try MemoryEstimate(description: description)
    // Trained one step with SGD momentum, the layer holds its state: compare with what it reports.
    let model = try Sequential(description: description, seed: 1)
    let layer = model.sparseLayers[0]
    let x = randomMatrix(rows: 784, columns: 8, seed: 2)
    let y = model.forward(x, training: true)
    model.backward(Matrix(rows: y.rows, columns: y.columns, repeating: 0.01))
    SGD(learningRate: 0.1, momentum: 0.9).step(model.parameters)
    XCTAssertEqual(estimate.bytesPerConnection, 24)
    // …plus the biases' value, gradient and momentum.
    let held = layer.bytesPerConnection * Double(layer.connectionCount) + Double(layer.bias.count * 4 * 3)
    XCTAssertEqual(Double(estimate.layers[0].parameterBytes), held, accuracy: 0.02 * held)
  }

  func testAdamKeepsTwoStatesPerParameter() throws {
    var description = mlp([100], epsilon: nil)
    var options = TrainingOptions()
    options.optimizer = .adam
    description.training = options
    let estimate = try MemoryEstimate(description: description)
    XCTAssertEqual(estimate.optimizerStates, 2)
    // A dense 784→100 layer: value, gradient and two moments per weight and bias.
    XCTAssertEqual(estimate.layers[0].parameterBytes, (784 * 100 + 100) * 4 * 4)
  }

  func testActivationsGrowWithTheBatchSize() throws {
    var small = TrainingOptions(), large = TrainingOptions()
    (small.batchSize, large.batchSize) = (64, 2048)
    let description = mlp([1000])
    let a = try MemoryEstimate(description: description, options: small)
    let b = try MemoryEstimate(description: description, options: large)
    XCTAssertEqual(a.parameterBytes, b.parameterBytes)
    XCTAssertGreaterThan(b.activationBytes, a.activationBytes)
  }

  func testAModelOverTheLimitIsRefusedBeforeItIsBuilt() {
    let huge = mlp([100_000_000], epsilon: 20)
    let started = Date()
    XCTAssertThrowsError(try Sequential(description: huge, seed: 0, memoryLimit: .bytes(1 << 30))) { error in
      guard case .insufficientMemory(let estimate, _, _)? = error as? MemoryEstimateError else {
        return XCTFail("expected insufficientMemory, got \(error)")
      }
      XCTAssertGreaterThan(estimate.connections, 1_900_000_000)
      let message = "\(error)"
      XCTAssertTrue(message.contains("--memory-limit of 1.0 GiB"), message)
      XCTAssertTrue(message.contains("layer 0 (sparse_linear 784→100000000)"), message)
    }
    XCTAssertLessThan(Date().timeIntervalSince(started), 5, "refused from the description, not by allocating")
  }

  func testAModelUnderTheLimitIsBuilt() throws {
    XCTAssertNoThrow(try Sequential(description: mlp([100]), seed: 0, memoryLimit: .bytes(1 << 30)))
  }

  func testTheMachinesAvailableMemoryIsRead() {
    let machine = MachineMemory.available()
    XCTAssertGreaterThan(machine.bytes, 1 << 20)
    XCTAssertLessThan(machine.bytes, Int.max / 2, "a figure was found (\(machine.source))")
  }

  func testSizesAreReadAsPeopleWriteThem() {
    XCTAssertEqual(ByteCount.parse("8G"), 8 << 30)
    XCTAssertEqual(ByteCount.parse("8GiB"), 8 << 30)
    XCTAssertEqual(ByteCount.parse("512mb"), 512 << 20)
    XCTAssertEqual(ByteCount.parse("1.5K"), 1536)
    XCTAssertEqual(ByteCount.parse("100000"), 100_000)
    for bad in ["", "abc", "-1G", "0", "G", "1e400"] { XCTAssertNil(ByteCount.parse(bad), bad) }
    XCTAssertEqual(ByteCount.phrase(1536), "1.5 KiB")
    XCTAssertEqual(ByteCount.phrase(100), "100 B")
  }

  func testTrainRefusesAHundredMillionUnitLayerSayingBothFigures() throws {
    let started = Date()
    var command = try SprigCommand.parseAsRoot(["train", "--hidden", "100000000", "--epsilon", "20"])
    XCTAssertThrowsError(try command.run()) { error in
      let message = "\(error)"
      XCTAssertTrue(message.contains("needs about") && message.contains("available"), message)
    }
    XCTAssertLessThan(Date().timeIntervalSince(started), 5)
  }

  func testInspectEstimatePrintsEachLayerAndTheTotal() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-estimate-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: file) }
    try mlp([300]).json().write(to: file)
    var command = try SprigCommand.parseAsRoot(["inspect", "--estimate", file.path])
    let printed = try capturingStandardOutput { try command.run() }
    XCTAssertTrue(printed.contains("0 sparse_linear 784→300"), printed)
    XCTAssertTrue(printed.contains("total: "), printed)
    XCTAssertTrue(printed.contains("the model fits"), printed)
  }

  func testAbsurdSizesAreTypedErrorsOrRefusalsNeverTraps() throws {
    let bad: [[LayerDescription]] = [
      [.linear(units: 4_611_686_018_427_387_904)],
      [.linear(units: 1 << 39), .linear(units: 1 << 39)],
      [.recurrent(.lstm, units: 1 << 39, steps: 4)],
    ]
    for layers in bad {
      let description = ModelDescription(input: InputDescription(features: 784), layers: layers)
      XCTAssertThrowsError(try Sequential(description: description, seed: 0)) { error in
        XCTAssertTrue(error is ModelDescriptionError || error is MemoryEstimateError, "\(error)")
      }
    }
    var image = ModelDescription(input: InputDescription(image: ImageShape(height: 8, width: 8)), layers: [])
    image.layers = [.conv2d(filters: 1 << 24, kernel: 1 << 24, stride: 1, padding: .same)]
    XCTAssertThrowsError(try MemoryEstimate(description: image).check())
    image.input.features = -3
    image.input.image = nil
    XCTAssertThrowsError(try MemoryEstimate(description: image)) { XCTAssertTrue($0 is ModelDescriptionError, "\($0)") }
  }
}
