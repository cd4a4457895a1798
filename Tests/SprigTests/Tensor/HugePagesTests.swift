import Foundation
import XCTest
@testable import Sprig

final class HugePagesTests: XCTestCase {
  func testLargeMatrixHoldsItsFillValue() {
    let m = Matrix(rows: 2048, columns: 1024, repeating: 1.5)  // 8 MB: over the threshold
    XCTAssertEqual(m.elements.count, 2048 * 1024)
    XCTAssertTrue(m.elements.allSatisfy { $0 == 1.5 })
  }

  func testReshapeToALargeShapeIsZeroed() {
    let m = Matrix(rows: 2, columns: 2, repeating: 3)
    m.reshape(rows: 4096, columns: 512)
    XCTAssertEqual(m.elements.count, 4096 * 512)
    XCTAssertTrue(m.elements.allSatisfy { $0 == 0 })
  }

  func testLargeMatrixWithTheAdviceOffHoldsItsValues() {
    let keep = HugePages.enabled
    defer { HugePages.enabled = keep }
    HugePages.enabled = false
    let m = Matrix(rows: 2048, columns: 1024, repeating: 1.5)
    HugePages.enabled = true  // freed after the switch: the same deallocation either way
    XCTAssertTrue(m.elements.allSatisfy { $0 == 1.5 })
    m.reshape(rows: 4096, columns: 1024)
    XCTAssertTrue(m.elements.allSatisfy { $0 == 0 })
  }

  func testSmallBufferIsNotAdvised() {
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    let advised = buffer.withUnsafeMutableBytes { HugePages.advise($0) }
    XCTAssertFalse(advised, "a 1 MB buffer holds no whole 2 MB page")
  }

  func testLargeMatrixIsMarkedForHugePagesWhereTheSystemAllowsThem() throws {
    let setting = (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)) ?? ""
    try XCTSkipIf(setting.isEmpty || setting.contains("[never]"), "transparent huge pages are off here")
    let keep = HugePages.enabled
    defer { HugePages.enabled = keep }
    HugePages.enabled = true
    let m = Matrix(rows: 4096, columns: 1024)  // 16 MB
    let address = m.elements.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress! + $0.count / 2) }
    // /proc/self/smaps lists "hg" among a mapping's VmFlags once it was advised.
    // procfs files report size 0, so read to the end rather than by size.
    let handle = try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/smaps"))
    let smaps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    var inMapping = false
    for line in smaps.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
        let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
        inMapping = bounds.count == 2 && bounds[0] <= address && address < bounds[1]
      } else if inMapping && line.hasPrefix("VmFlags:") {
        XCTAssertTrue(fields.contains("hg"), "the matrix's mapping is not advised: \(line)")
        return
      }
    }
    XCTFail("no mapping in /proc/self/smaps (\(smaps.count) characters) holds the matrix")
  }
}
