import XCTest

/// `sprig-mpi check NAME` on 2 and 3 ranks: each check asserts on every
/// rank and exits ≠ 0 if any rank fails (Distributed/Sources/sprig-mpi/Checks.swift).
final class DistributedChecksTests: XCTestCase {
  var folder: URL!

  override func setUp() { folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-mpi-\(UUID())") }
  override func tearDown() { try? FileManager.default.removeItem(at: folder) }

  private func check(_ name: String, ranks: Int, file: StaticString = #filePath, line: UInt = #line) throws {
    let job = try MPIJob(ranks: ranks, ["check", name], folder: folder)
    let status = job.wait(atMost: 120, file: file, line: line)
    XCTAssertEqual(status, 0, job.text, file: file, line: line)
    XCTAssertTrue(job.stdout.contains("\(name): ok (\(ranks) ranks)"), job.text, file: file, line: line)
  }

  func testSummedGradientEqualsOneProcessGradientOnTwoRanks() throws { try check("gradient", ranks: 2) }
  func testSummedGradientEqualsOneProcessGradientOnThreeRanks() throws { try check("gradient", ranks: 3) }
  func testPatternsStayEqualOnAllRanksThroughRewiringOnTwoRanks() throws { try check("patterns", ranks: 2) }
  func testPatternsStayEqualOnAllRanksThroughRewiringOnThreeRanks() throws { try check("patterns", ranks: 3) }
  func testDivergedRanksStopWithAnErrorOnTwoRanks() throws { try check("divergence", ranks: 2) }
  func testDivergedRanksStopWithAnErrorOnThreeRanks() throws { try check("divergence", ranks: 3) }
  func testNaNOnOneRankStopsEveryRankOnTwoRanks() throws { try check("nan", ranks: 2) }
  func testNaNOnOneRankStopsEveryRankOnThreeRanks() throws { try check("nan", ranks: 3) }
  func testShardedLayerEqualsTheWholeLayerOnTwoRanks() throws { try check("sharded", ranks: 2) }
  func testShardedLayerEqualsTheWholeLayerOnThreeRanks() throws { try check("sharded", ranks: 3) }
  func testModelWithAShardedLayerTrainsOnThreeRanks() throws { try check("sharded-training", ranks: 3) }
}
