import Foundation
import XCTest
@testable import Sprig
#if canImport(FoundationXML)
  import FoundationXML
#endif

final class SVGPlotTests: XCTestCase {
  func testBarsAreProportionalToTheirValuesAndLabelled() throws {
    let svg = SVGPlot.bars(title: "t", xLabel: "x", labels: ["a", "b"], values: [1000, 250])
    _ = try XMLDocument(xmlString: svg)
    let widths = svg.components(separatedBy: "<rect ").dropFirst(2).compactMap { rect -> Double? in
      guard let w = rect.components(separatedBy: "width=\"").dropFirst().first?.split(separator: "\"").first else { return nil }
      return Double(w)
    }
    XCTAssertEqual(widths.count, 2)
    XCTAssertEqual(widths[0] / widths[1], 4, accuracy: 0.01)
    XCTAssertTrue(svg.contains(">a<") && svg.contains(">b<") && svg.contains(">1000<"))
  }

  func testAFixedVerticalRangeLeavesOutPointsOutsideIt() {
    let series = SVGPlot.Series(name: "s", points: [(1, 10), (2, 95), (3, 99)], color: "#000")
    let svg = SVGPlot.chart(title: "t", xLabel: "x", yLabel: "y", series: [series], yRange: 90...100)
    let points = svg.components(separatedBy: "points=\"").dropFirst().first?.split(separator: "\"").first ?? ""
    XCTAssertEqual(points.split(separator: " ").count, 2)
  }
}
