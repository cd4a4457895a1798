import XCTest
@testable import Sprig

/// A run stopped after some epochs and resumed from its folder is the same
/// run as one never stopped.
final class ResumeTests: XCTestCase {
  func model(seed: UInt64) -> Sequential {
    try! MLPConfiguration(
      inputSize: 20, hiddenSizes: [32, 32], outputSize: 3, activation: .srelu, epsilon: 3, dropout: 0.3
    ).makeModel(seed: seed)
  }

  func options() -> TrainingOptions {
    var o = smallOptions(epochs: 4, seed: 3)
    o.optimizer = .adam
    o.learningRate = 0.01
    o.augmentation = ImageAugmentation(maxShift: 2)  // its stream must survive the restart too
    return o
  }

  func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-resume-\(UUID().uuidString)")
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }

  func testResumedRunEqualsUninterruptedRun() throws {
    let data = blobSplit()
    let straight = model(seed: 0)
    let full = try Trainer(model: straight, options: options(), run: RunDirectory(url: folder(), scaling: nil)).fit(data)

    let url = try folder()
    try Trainer(model: model(seed: 0), options: options(), run: RunDirectory(url: url, scaling: nil)).fit(data, until: 2)
    // Another process, another initialization: everything must come from the file.
    let run = try RunDirectory(url: url, scaling: nil, resuming: true)
    XCTAssertTrue(run.canResume)
    let resumedModel = model(seed: 7)
    let trainer = Trainer(model: resumedModel, options: options(), run: run)
    try trainer.resume(from: run.resumeURL)
    XCTAssertEqual(trainer.history.count, 2)
    let resumed = try trainer.fit(data)

    XCTAssertEqual(resumed.map(\.testAccuracy), full.map(\.testAccuracy))
    XCTAssertEqual(resumed.map(\.trainLoss), full.map(\.trainLoss))
    for (a, b) in zip(straight.layers, resumedModel.layers) {
      for (p, q) in zip(a.parameters, b.parameters) { XCTAssertEqual(p.value, q.value, "\(a.name) \(p.name)") }
    }
    XCTAssertEqual(straight.sparseLayers.map(\.pattern), resumedModel.sparseLayers.map(\.pattern))
  }

  func testFinishedRunRemovesItsResumeStateAndKeepsEveryEpochsMetrics() throws {
    let url = try folder()
    try Trainer(model: model(seed: 0), options: options(), run: RunDirectory(url: url, scaling: nil)).fit(blobSplit(), until: 3)
    let run = try RunDirectory(url: url, scaling: nil, resuming: true)
    XCTAssertTrue(run.canResume)
    let trainer = Trainer(model: model(seed: 0), options: options(), run: run)
    try trainer.resume(from: run.resumeURL)
    try trainer.fit(blobSplit())
    XCTAssertFalse(run.canResume)
    let lines = try String(contentsOf: run.metricsURL, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.count, 4)
  }

  func testResumeStateKeepsOptimizerStateAndStepCount() throws {
    let url = try folder()
    let trainer = Trainer(model: model(seed: 0), options: options(), run: try RunDirectory(url: url, scaling: nil))
    try trainer.fit(blobSplit(), until: 1)
    let state = try ResumeState(contentsOf: url.appendingPathComponent("resume.safetensors"))
    XCTAssertEqual(state.optimizerSteps, trainer.optimizer.stepCount)
    XCTAssertGreaterThan(state.optimizerSteps, 0)
    for (a, b) in zip(trainer.model.layers, state.model.layers) {
      for (p, q) in zip(a.parameters, b.parameters) {
        XCTAssertEqual(q.optimizerState.count, 2, "Adam keeps two moments for \(a.name) \(p.name)")
        XCTAssertEqual(p.optimizerState, q.optimizerState)
      }
    }
  }

  func testResumingADifferentArchitectureIsATypedError() throws {
    let url = try folder()
    try Trainer(model: model(seed: 0), options: options(), run: RunDirectory(url: url, scaling: nil)).fit(blobSplit(), until: 1)
    let other = try MLPConfiguration(inputSize: 20, hiddenSizes: [16], outputSize: 3, epsilon: 3).makeModel(seed: 0)
    let trainer = Trainer(model: other, options: options())
    XCTAssertThrowsError(try trainer.resume(from: url.appendingPathComponent("resume.safetensors"))) { error in
      guard case TrainingError.shapeMismatch(let why) = error else { return XCTFail("\(error)") }
      XCTAssertTrue(why.contains("different architecture"), why)
    }
  }

  func testACheckpointIsNotAResumeState() throws {
    let url = try folder()
    try Trainer(model: model(seed: 0), options: options(), run: RunDirectory(url: url, scaling: nil)).fit(blobSplit(), until: 1)
    XCTAssertThrowsError(try ResumeState(contentsOf: url.appendingPathComponent("model.safetensors"))) { error in
      XCTAssertTrue("\(error)".contains("not a Sprig resume state"), "\(error)")
    }
  }

  func testAugmentationChangesWhatTheModelSees() throws {
    var plain = options()
    plain.augmentation = nil
    let a = try Trainer(model: model(seed: 0), options: plain).fit(blobSplit(), until: 1)
    let b = try Trainer(model: model(seed: 0), options: options()).fit(blobSplit(), until: 1)
    XCTAssertNotEqual(a[0].trainLoss, b[0].trainLoss)
  }
}
