import XCTest
@testable import Sprig
@testable import SprigCLI

final class AutoencoderExampleTests: XCTestCase {
  func testAutoencoderExampleImageGridHasOneTilePerImageAndGreyPixels() {
    let svg = imageGridSVG([[0, 1, 0.5, 0], [1, 1, 1, 1]], width: 2, height: 2, columns: 2, pixelSize: 1, rowLabels: ["a"])
    XCTAssertTrue(svg.hasPrefix("<svg"))
    XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    XCTAssertEqual(svg.components(separatedBy: "fill=\"black\"").count - 1, 2)
    XCTAssertTrue(svg.contains("rgb(128,128,128)"))
    XCTAssertEqual(svg.components(separatedBy: "rgb(255,255,255)").count - 1, 5)
  }

  func testAutoencoderExampleModelsDifferOnlyInPenaltyAndCorruption() {
    let sparse = AutoencoderExample.makeModel(inputSize: 784, variant: .sparse, seed: 1)
    let denoising = AutoencoderExample.makeModel(inputSize: 784, variant: .denoising, seed: 1)
    XCTAssertGreaterThan(sparse.codePenalty, 0)
    XCTAssertNil(sparse.corruption)
    XCTAssertEqual(denoising.codePenalty, 0)
    XCTAssertNotNil(denoising.corruption)
    XCTAssertEqual(sparse.codeSize, 32)
  }
}
