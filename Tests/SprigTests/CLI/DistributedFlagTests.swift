import ArgumentParser
import XCTest
@testable import Sprig
@testable import SprigCLI

/// `sprig` is built without MPI: `--distributed` says where the MPI build
/// is, and the distributed options are checked before anything runs.
final class DistributedFlagTests: XCTestCase {
  func testDistributedWithoutMPISaysHowToRunSprigMPI() throws {
    var command = try SprigCommand.parseAsRoot(["train", "--distributed", "--epochs", "1"])
    XCTAssertThrowsError(try command.run()) { error in
      let message = SprigCommand.message(for: error)
      XCTAssertTrue(message.contains("mpirun -np N Distributed/.build/release/sprig-mpi train --distributed"), message)
    }
  }

  func testAverageEveryNeedsDistributed() {
    XCTAssertThrowsError(try SprigCommand.parseAsRoot(["train", "--average-every", "4"])) { error in
      XCTAssertTrue(SprigCommand.message(for: error).contains("add --distributed"), SprigCommand.message(for: error))
    }
  }

  func testAverageEveryMustBePositive() {
    XCTAssertThrowsError(try SprigCommand.parseAsRoot(["train", "--distributed", "--average-every", "0"]))
  }
}

/// What ranks compare to prove they hold the same topology.
final class PatternFingerprintTests: XCTestCase {
  func testEqualPatternsHaveEqualFingerprintsAndOneMovedConnectionChangesIt() throws {
    let a = try SparsityPattern(rows: 3, columns: 4, entries: [(0, 1), (1, 3), (2, 0), (2, 2)])
    let b = try SparsityPattern(rows: 3, columns: 4, entries: [(2, 2), (0, 1), (2, 0), (1, 3)])
    let moved = try SparsityPattern(rows: 3, columns: 4, entries: [(0, 1), (1, 2), (2, 0), (2, 2)])
    let reshaped = try SparsityPattern(rows: 3, columns: 5, entries: [(0, 1), (1, 3), (2, 0), (2, 2)])
    XCTAssertEqual(a.fingerprint, b.fingerprint)
    XCTAssertNotEqual(a.fingerprint, moved.fingerprint)
    XCTAssertNotEqual(a.fingerprint, reshaped.fingerprint)
  }
}
