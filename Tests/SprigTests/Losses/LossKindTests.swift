import Foundation
import XCTest
@testable import Sprig

/// The command-line names and the factory.
final class LossKindTests: XCTestCase {
  func testRawValuesAreCommandLineNames() {
    XCTAssertEqual(
      LossKind.allCases.map(\.rawValue), ["mse", "mae", "huber", "log-cosh", "binary-cross-entropy", "softmax-cross-entropy"])
  }

  func testEveryKindMakesALossNamedAfterIt() {
    for kind in LossKind.allCases { XCTAssertEqual(kind.makeLoss().name, kind.rawValue) }
  }

  func testKindsRoundTripThroughJSON() throws {
    let data = try JSONEncoder().encode(LossKind.allCases)
    XCTAssertEqual(try JSONDecoder().decode([LossKind].self, from: data), LossKind.allCases)
  }
}
