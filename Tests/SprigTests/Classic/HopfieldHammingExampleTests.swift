import XCTest
@testable import Sprig
@testable import SprigCLI

final class HopfieldHammingExampleTests: XCTestCase {
  func testHopfieldExampleDigitPrototypesAreThresholdedClassMeans() {
    // Two classes of 1×2 images: class 0 bright on the left, class 1 on the right.
    let data = LabeledData(
      features: [0.9, 0.1, 0.7, 0.0, 0.0, 0.8, 0.2, 0.6], labels: [0, 0, 1, 1], shape: ImageShape(height: 1, width: 2), classCount: 2)
    XCTAssertEqual(AssociativeMemoryExample.digitPrototypes(data, binarization: .threshold(0.3)), [[1, -1], [-1, 1]])
  }

  func testHopfieldExampleCentredPrototypesMarkPixelsBrighterThanTheAverageDigit() {
    // Both classes light the right pixel; only class 0 lights the left one more than average.
    let data = LabeledData(
      features: [0.8, 0.5, 0.0, 0.5], labels: [0, 1], shape: ImageShape(height: 1, width: 2), classCount: 2)
    XCTAssertEqual(AssociativeMemoryExample.digitPrototypes(data), [[1, -1], [-1, -1]])
  }

  func testHopfieldExampleCorruptionFlipsExactlyTheRequestedFraction() {
    var g = SeededGenerator(seed: 1)
    let p = [Float](repeating: 1, count: 200)
    XCTAssertEqual(AssociativeMemoryExample.corrupt(p, noise: 0.15, using: &g).filter { $0 == -1 }.count, 30)
  }

  func testHammingExampleRecallIsPerfectWithoutNoiseAndFallsWithNoise() {
    let prototypes = randomBipolarPatterns(5, size: 100, seed: 2)
    let points = AssociativeMemoryExample.hammingRecall(prototypes: prototypes, noiseLevels: [0, 0.5], trials: 10, seed: 3)
    XCTAssertEqual(points[0].exact, 1)
    XCTAssertLessThan(points[1].exact, 0.6)
  }

  func testHopfieldExampleRecallIsPerfectWithoutNoise() {
    let prototypes = randomBipolarPatterns(4, size: 100, seed: 4)
    let points = AssociativeMemoryExample.hopfieldRecall(prototypes: prototypes, noiseLevels: [0, 0.1], trials: 5, seed: 5)
    XCTAssertEqual(points[0].exact, 1)
    XCTAssertEqual(points[1].nearest, 1)
  }

  func testHammingExampleCommandPrintsARecallLinePerNoiseLevel() throws {
    let root = try requireRealDataset(.mnist).deletingLastPathComponent()
    let output = try capturingStandardOutput {
      let command = try Example.parse(["hamming", "--data-root", root.path, "--train-limit", "2000", "--test-limit", "10", "--trials", "2"])
      try command.run()
    }
    XCTAssertTrue(output.contains("Hamming network, 10 binarised MNIST class means"), output)
    XCTAssertEqual(output.split(separator: "\n").filter { $0.hasSuffix("%") }.count, 14, output)  // 7 levels × 2 binarizations
  }
}
