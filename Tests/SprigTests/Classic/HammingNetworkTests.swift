import XCTest
@testable import Sprig

final class HammingNetworkTests: XCTestCase {
  func testHammingMatchingScoresCountAgreeingPositions() {
    let net = HammingNetwork(prototypes: [[1, 1, -1, -1], [1, -1, 1, -1]])
    XCTAssertEqual(net.matchingScores([1, 1, -1, 1]), [3, 1])
  }

  func testHammingPicksTheStoredPatternAtTheSmallestHammingDistance() {
    let prototypes = randomBipolarPatterns(8, size: 50, seed: 1)
    let net = HammingNetwork(prototypes: prototypes)
    var checked = 0
    for probe in randomBipolarPatterns(200, size: 50, seed: 2) {
      let distances = prototypes.map { p in zip(p, probe).filter { $0 != $1 }.count }
      let nearest = distances.min()!
      guard distances.filter({ $0 == nearest }).count == 1 else { continue }  // ties have no single answer
      XCTAssertEqual(net.classify(probe), distances.firstIndex(of: nearest))
      checked += 1
    }
    XCTAssertGreaterThan(checked, 50)
  }

  func testHammingRecognisesNoisyPrototypes() {
    let prototypes = randomBipolarPatterns(5, size: 100, seed: 3)
    let net = HammingNetwork(prototypes: prototypes)
    var g = SeededGenerator(seed: 4)
    for (k, p) in prototypes.enumerated() { XCTAssertEqual(net.classify(flipping(p, 20, using: &g)), k) }
  }

  func testHammingMaxnetLeavesASingleWinner() {
    let net = HammingNetwork(prototypes: randomBipolarPatterns(4, size: 10, seed: 5), epsilon: 0.2)
    let result = net.maxnet([7, 9, 8.5, 2])
    XCTAssertEqual(result.winner, 1)
    XCTAssertGreaterThan(result.iterations, 0)
  }

  func testHammingDefaultEpsilonIsBelowOneOverM() {
    let net = HammingNetwork(prototypes: randomBipolarPatterns(10, size: 10, seed: 6))
    XCTAssertLessThan(net.epsilon, 1 / 10)
  }
}
