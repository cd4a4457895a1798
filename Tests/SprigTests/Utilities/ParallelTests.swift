import Foundation
import XCTest
@testable import Sprig

final class ParallelTests: XCTestCase {
  private var keep = 1
  override func setUp() { keep = Parallel.threadCount }
  override func tearDown() { Parallel.threadCount = keep }

  /// Marks every index a loop visits; each must be visited exactly once.
  private func visits(count: Int, minimumChunk: Int = 1) -> [Int] {
    let marks = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
    defer { marks.deallocate() }
    marks.initialize(repeating: 0)
    Parallel.forEachChunk(of: count, minimumChunk: minimumChunk) { range in
      for i in range { marks[i] += 1 }
    }
    return Array(marks)
  }

  func testEveryIndexIsVisitedOnceForAnyThreadCount() {
    for threads in [1, 2, 3, 8] {
      Parallel.threadCount = threads
      for count in [0, 1, 2, 7, 100, 1001] {
        XCTAssertEqual(visits(count: count), [Int](repeating: 1, count: count), "\(threads) threads, \(count) indices")
      }
    }
  }

  func testLoopsRunOnMoreThanOneThreadWhenAsked() {
    Parallel.threadCount = 2
    let lock = NSLock()
    var threads = Set<UInt64>()
    // Chunks long enough that the caller alone cannot finish them all
    // before a worker picks one up.
    for _ in 0..<20 where threads.count < 2 {
      Parallel.forEachChunk(of: 64) { _ in
        var x: Double = 1
        for i in 0..<200_000 { x = x * 1.000001 + Double(i & 1) }
        lock.lock()
        threads.insert(UInt64(pthread_self()))
        lock.unlock()
        XCTAssertGreaterThan(x, 0)
      }
    }
    XCTAssertEqual(threads.count, 2)
  }

  func testNestedLoopRunsOnItsCallerInsteadOfDeadlocking() {
    Parallel.threadCount = 2
    let lock = NSLock()
    var inner = 0
    Parallel.forEachChunk(of: 4) { outer in
      for _ in outer {
        Parallel.forEachChunk(of: 10) { range in
          lock.lock()
          inner += range.count
          lock.unlock()
        }
      }
    }
    XCTAssertEqual(inner, 40)
  }

  func testWorkersThatSleepAtOnceOrSpinLongStillRunEveryIndex() {
    XCTAssertEqual(Parallel.spinMicroseconds, 200, "the default")
    defer { Parallel.spinMicroseconds = 200 }
    Parallel.threadCount = 2
    for spin in [0, 5000] {
      Parallel.spinMicroseconds = spin
      XCTAssertEqual(Parallel.spinMicroseconds, spin)
      for _ in 0..<3 { XCTAssertEqual(visits(count: 500), [Int](repeating: 1, count: 500), "spin \(spin) µs") }
    }
  }

  func testThreadCountChangesBetweenLoopsKeepResultsExact() {
    for threads in [2, 1, 4, 2, 3] {
      Parallel.threadCount = threads
      XCTAssertEqual(visits(count: 500), [Int](repeating: 1, count: 500), "\(threads) threads")
    }
  }
}
