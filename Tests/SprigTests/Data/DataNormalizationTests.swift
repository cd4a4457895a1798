import Foundation
import XCTest

@testable import Sprig

final class DataNormalizationTests: XCTestCase {
  /// 200 samples of 4 features: two spread out (std ≈ 0.29 and 0.1 scaled by 3),
  /// one constant, one almost constant.
  func syntheticSplit() -> DatasetSplit {
    var g = SeededGenerator(seed: 42)
    func data(_ n: Int) -> LabeledData {
      var features: [Float] = []
      for _ in 0..<n {
        features += [g.nextUnitFloat(), 0.2 + 0.6 * g.nextUnitFloat(), 0.5, g.nextUnitFloat() < 0.01 ? 1 : 0]
      }
      return LabeledData(
        features: features, labels: (0..<n).map { Int32($0 % 3) }, shape: ImageShape(height: 1, width: 4), classCount: 3
      )
    }
    return DatasetSplit(name: "synthetic", train: data(200), test: data(50))
  }

  /// Per-feature mean and (population) std in Double.
  func statistics(_ data: LabeledData) -> (mean: [Double], std: [Double]) {
    let n = Double(data.count)
    let mean = (0..<data.featureCount).map { k in
      (0..<data.count).reduce(0.0) { $0 + Double(data.features[$1 * data.featureCount + k]) } / n
    }
    let std = (0..<data.featureCount).map { k in
      ((0..<data.count).reduce(0.0) { s, i in
        let d = Double(data.features[i * data.featureCount + k]) - mean[k]
        return s + d * d
      } / n).squareRoot()
    }
    return (mean, std)
  }

  func testStandardizeCentresEveryTrainFeature() {
    var split = syntheticSplit()
    split.normalize(.standardize)
    for m in statistics(split.train).mean { XCTAssertEqual(m, 0, accuracy: 1e-5) }
  }

  func testStandardizeGivesUnitStdToFeaturesAboveTheFloor() {
    var split = syntheticSplit()
    split.normalize(.standardize)
    let std = statistics(split.train).std
    XCTAssertEqual(std[0], 1, accuracy: 1e-4)
    XCTAssertEqual(std[1], 1, accuracy: 1e-4)
  }

  func testConstantFeatureStaysFiniteAndAtZero() {
    var split = syntheticSplit()
    let scaling = split.normalize(.standardize)
    XCTAssertEqual(scaling?.std[2], FeatureScaling.defaultStdFloor)
    XCTAssertTrue(split.train.features.allSatisfy(\.isFinite))
    XCTAssertEqual(statistics(split.train).std[2], 0)
  }

  func testRarelyLitFeatureIsBoundedByTheFloor() {
    var split = syntheticSplit()
    split.normalize(.standardize)
    let bound = 1 / FeatureScaling.defaultStdFloor
    for i in 0..<split.test.count { XCTAssertLessThanOrEqual(abs(split.test.features[i * 4 + 3]), bound) }
  }

  func testTestSplitUsesTrainStatistics() {
    let original = syntheticSplit()
    var split = original
    let scaling = split.normalize(.standardize)!
    let k = 1
    XCTAssertEqual(
      split.test.features[k], (original.test.features[k] - scaling.mean[k]) / scaling.std[k], accuracy: 1e-5)
  }

  func testUnitRangeChangesNothingAndReturnsNoScaling() {
    let original = syntheticSplit()
    var split = original
    XCTAssertNil(split.normalize(.unitRange))
    XCTAssertEqual(split.train.features, original.train.features)
  }

  func testScalingSurvivesJSONAndReappliesIdentically() throws {
    let original = syntheticSplit()
    var split = original
    let scaling = split.normalize(.standardize)!
    let decoded = try JSONDecoder().decode(FeatureScaling.self, from: JSONEncoder().encode(scaling))
    var test = original.test
    decoded.apply(to: &test)
    XCTAssertEqual(test.features, split.test.features)
  }

  func testNormalizationNamesAreTheCLISpellings() {
    XCTAssertEqual(Normalization.allCases.map(\.rawValue), ["unit", "standardize"])
  }
}

final class DataFeatureScalingDecodingTests: XCTestCase {
  func testDecodingRejectsAZeroStd() {
    let json = Data(#"{"mean":[0.5,0.5],"std":[0.2,0]}"#.utf8)
    XCTAssertThrowsError(try JSONDecoder().decode(FeatureScaling.self, from: json))
  }

  func testDecodingRejectsMismatchedCounts() {
    let json = Data(#"{"mean":[0.5],"std":[0.2,0.3]}"#.utf8)
    XCTAssertThrowsError(try JSONDecoder().decode(FeatureScaling.self, from: json))
  }
}
