import XCTest
@testable import Sprig

final class BLASCoreWarningTests: XCTestCase {
  func testAVX2CoreOnAVX512CPUIsWarnedWithTheFix() throws {
    let warning = try XCTUnwrap(BLAS.warning(core: "Haswell", cpuHasAVX512: true))
    XCTAssertTrue(warning.contains("Haswell"))
    XCTAssertTrue(warning.contains("OPENBLAS_CORETYPE=SkylakeX"))
  }

  func testAVX512CoreIsNotWarned() {
    for core in ["SkylakeX", "Cooperlake", "SapphireRapids"] {
      XCTAssertNil(BLAS.warning(core: core, cpuHasAVX512: true), core)
    }
  }

  func testAVX2CoreOnAVX2CPUIsNotWarned() {
    XCTAssertNil(BLAS.warning(core: "Haswell", cpuHasAVX512: false))
  }
}
