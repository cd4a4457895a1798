import XCTest

@testable import Sprig

final class DegreeStatisticsTests: XCTestCase {
  func testGiniOfEqualDegreesIsZero() {
    XCTAssertEqual(DegreeStatistics([7, 7, 7, 7, 7]).gini, 0, accuracy: 1e-15)
  }

  func testGiniWhenOneNeuronHoldsEverythingIsNMinusOneOverN() {
    let n = 8
    let degrees = [Int](repeating: 0, count: n - 1) + [40]
    XCTAssertEqual(DegreeStatistics(degrees).gini, Double(n - 1) / Double(n), accuracy: 1e-15)
  }

  func testGiniMatchesMeanAbsoluteDifferenceDefinition() {
    let degrees = [3, 0, 9, 4, 4, 1, 12, 7]
    var pairSum = 0.0
    for a in degrees { for b in degrees { pairSum += Double(abs(a - b)) } }
    let mean = Double(degrees.reduce(0, +)) / Double(degrees.count)
    let expected = pairSum / (2 * Double(degrees.count * degrees.count) * mean)
    XCTAssertEqual(DegreeStatistics(degrees).gini, expected, accuracy: 1e-14)
  }

  func testMeanVarianceRatioMaximumAndZeroCount() {
    let s = DegreeStatistics([0, 2, 4, 0, 9])
    XCTAssertEqual(s.count, 5)
    XCTAssertEqual(s.mean, 3, accuracy: 1e-15)
    XCTAssertEqual(s.variance, (9.0 + 1 + 1 + 9 + 36) / 5, accuracy: 1e-14)
    XCTAssertEqual(s.varianceToMeanRatio, s.variance / 3, accuracy: 1e-14)
    XCTAssertEqual(s.maximum, 9)
    XCTAssertEqual(s.minimum, 0)
    XCTAssertEqual(s.zeroCount, 2)
  }

  func testEmptyAndAllZeroSequencesGiveZeros() {
    XCTAssertEqual(DegreeStatistics([]).count, 0)
    let zeros = DegreeStatistics([0, 0, 0])
    XCTAssertEqual(zeros.gini, 0)
    XCTAssertEqual(zeros.varianceToMeanRatio, 0)
    XCTAssertEqual(zeros.zeroCount, 3)
  }
}
