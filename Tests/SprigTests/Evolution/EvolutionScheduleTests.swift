import XCTest
@testable import Sprig

final class EvolutionScheduleTests: XCTestCase {
  func testConstantZetaIsTheSameEveryTime() throws {
    let s = try EvolutionSchedule(zeta: 0.3)
    XCTAssertEqual([1, 5, 100].map { s.zeta(at: $0) }, [0.3, 0.3, 0.3])
  }

  func testCosineZetaFollowsRigLsAnnealing() throws {
    let s = try EvolutionSchedule(zeta: 0.4, decay: .cosine, unit: .steps, period: 100, end: 1000)
    XCTAssertEqual(s.zeta(at: 0), 0.4, accuracy: 1e-12)
    XCTAssertEqual(s.zeta(at: 500), 0.2, accuracy: 1e-12)
    XCTAssertEqual(s.zeta(at: 250), 0.2 * (1 + cos(Double.pi / 4)), accuracy: 1e-12)
    XCTAssertEqual(s.zeta(at: 1000), 0, accuracy: 1e-12)
    XCTAssertEqual(s.zeta(at: 2000), 0, accuracy: 1e-12)
  }

  func testEvolutionIsDueEveryPeriodUntilTheEnd() throws {
    let s = try EvolutionSchedule(zeta: 0.3, unit: .epochs, period: 3, end: 10)
    XCTAssertEqual((0...12).filter { s.isDue(at: $0) }, [3, 6, 9])
    let forever = try EvolutionSchedule(zeta: 0.3, period: 2)
    XCTAssertTrue(forever.isDue(at: 1_000_000))
    XCTAssertFalse(forever.isDue(at: 0))
  }

  func testInvalidSchedulesAreTypedErrors() {
    XCTAssertThrowsError(try EvolutionSchedule(zeta: 1.5))
    XCTAssertThrowsError(try EvolutionSchedule(zeta: 0.3, period: 0))
    XCTAssertThrowsError(try EvolutionSchedule(zeta: 0.3, end: 0))
    XCTAssertThrowsError(try EvolutionSchedule(zeta: 0.3, decay: .cosine))  // cosine needs T
  }

  func testScheduledEvolutionDoesNothingWhenNotDue() throws {
    var g = SeededGenerator(seed: 1)
    let layer = SparseLinear(inputSize: 100, outputSize: 80, epsilon: 5, using: &g)
    let before = layer.pattern
    let scheduled = ScheduledEvolution(SETEvolution(), schedule: try EvolutionSchedule(zeta: 0.3, period: 2))
    scheduled.time = 3
    XCTAssertFalse(scheduled.isDue)
    XCTAssertEqual(scheduled.rewire(layer, using: &g).removed, 0)
    XCTAssertEqual(layer.pattern, before)
  }

  func testScheduledEvolutionRewiresWithTheAnnealedZeta() throws {
    var g = SeededGenerator(seed: 2)
    let layer = SparseLinear(inputSize: 100, outputSize: 80, epsilon: 5, using: &g)
    let schedule = try EvolutionSchedule(zeta: 0.4, decay: .cosine, end: 10)
    let scheduled = ScheduledEvolution(SETEvolution(), schedule: schedule)
    scheduled.time = 5  // ζ = 0.2
    let expected = SETEvolution(zeta: 0.2).positionsToRemove(layer.weight.value).count
    let report = scheduled.rewire(layer, using: &g)
    XCTAssertEqual(report.removed, expected)
    XCTAssertEqual(report.added, expected)
    XCTAssertEqual(scheduled.name, "set+cosine")
  }

  func testEveryStrategyAcceptsAScheduledZeta() throws {
    var g = SeededGenerator(seed: 3)
    let (local, w) = try LocallyConnected2D.make(input: ImageShape(height: 8, width: 8), outputChannels: 2, kernelSize: 3, density: 0.5, using: &g)
    let strategies: [any ZetaEvolutionStrategy] = [
      SETEvolution(), LocalSETEvolution(windows: [(local, w)]), DistanceBiasedSETEvolution(), RigLEvolution(),
    ]
    for var s in strategies {
      s.zeta = 0.125
      XCTAssertEqual(s.zeta, 0.125, s.name)
    }
  }
}
