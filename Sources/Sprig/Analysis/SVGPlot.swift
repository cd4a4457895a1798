// SVGPlot: small, dependency-free SVG charts (lines, bars, heat maps) for
// self-contained reports that render offline and print legibly.
import Foundation

/// Builds standalone SVG charts as strings.
public enum SVGPlot {
  /// One series of a line or point chart.
  public struct Series {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// Draw markers instead of a line.
    public var markers: Bool
    public var color: String
    public var dashed: Bool
    public init(name: String, points: [(x: Double, y: Double)], markers: Bool = false, color: String, dashed: Bool = false) {
      self.name = name
      self.points = points
      self.markers = markers
      self.color = color
      self.dashed = dashed
    }
  }

  /// Colours that stay distinct in print and for common colour blindness.
  public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

  /// Escapes text for XML and HTML.
  public static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  static func format(_ v: Double) -> String {
    if v == 0 { return "0" }
    let a = abs(v)
    if a >= 1e4 || a < 1e-3 { return String(format: "%.0e", v) }
    if a >= 100 { return String(format: "%.0f", v) }
    if a >= 1 { return String(format: "%.3g", v) }
    return String(format: "%.2g", v)
  }

  /// Tick positions for `lo...hi`: decades on a log axis, round steps otherwise.
  static func ticks(_ lo: Double, _ hi: Double, log: Bool) -> [Double] {
    if log {
      let a = Int(Foundation.floor(Foundation.log10(lo))), b = Int(Foundation.ceil(Foundation.log10(hi)))
      return (a...max(a, b)).map { Foundation.pow(10, Double($0)) }.filter { $0 >= lo * 0.999 && $0 <= hi * 1.001 }
    }
    let span = max(hi - lo, 1e-12)
    let raw = span / 5
    let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var t = Foundation.ceil(lo / step) * step
    var out: [Double] = []
    while t <= hi + step * 1e-9 {
      out.append(t)
      t += step
    }
    return out
  }

  /// A line/point chart with optional log axes and a legend. `yRange`
  /// fixes the vertical axis (points outside it are left out), e.g. to show
  /// the last points of accuracy curves that all end near the top; the
  /// legend then goes to the lower right, away from the curves.
  public static func chart(
    title: String, xLabel: String, yLabel: String, series: [Series], logX: Bool = false, logY: Bool = false,
    yRange: ClosedRange<Double>? = nil, width: Int = 560, height: Int = 360
  ) -> String {
    let (left, right, top, bottom) = (64.0, 16.0, 32.0, 48.0)
    let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
    let all = series.flatMap { $0.points }.filter { (!logX || $0.x > 0) && (!logY || $0.y > 0) && $0.x.isFinite && $0.y.isFinite }
    var x0 = all.map(\.x).min() ?? 0, x1 = all.map(\.x).max() ?? 1
    var y0 = all.map(\.y).min() ?? 0, y1 = all.map(\.y).max() ?? 1
    if let yRange { (y0, y1) = (yRange.lowerBound, yRange.upperBound) } else if !logY { y0 = min(y0, 0) }
    if x1 <= x0 { x1 = x0 + (logX ? x0 : 1) }
    if y1 <= y0 { y1 = y0 + (logY ? y0 : 1) }
    if logX { x0 = Foundation.pow(10, Foundation.floor(Foundation.log10(x0))); x1 = Foundation.pow(10, Foundation.ceil(Foundation.log10(x1))) }
    if logY { y0 = Foundation.pow(10, Foundation.floor(Foundation.log10(y0))); y1 = Foundation.pow(10, Foundation.ceil(Foundation.log10(y1))) }
    func px(_ x: Double) -> Double {
      let t = logX ? (Foundation.log10(x) - Foundation.log10(x0)) / (Foundation.log10(x1) - Foundation.log10(x0)) : (x - x0) / (x1 - x0)
      return left + t * plotW
    }
    func py(_ y: Double) -> Double {
      let t = logY ? (Foundation.log10(y) - Foundation.log10(y0)) / (Foundation.log10(y1) - Foundation.log10(y0)) : (y - y0) / (y1 - y0)
      return top + (1 - t) * plotH
    }
    var svg = header(width: width, height: height, title: title)
    svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#444\"/>\n"
    for t in ticks(x0, x1, log: logX) {
      let x = px(t)
      svg += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x))\" y2=\"\(f(top))\" stroke=\"#ddd\"/>"
      svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" font-size=\"11\">\(escape(format(t)))</text>\n"
    }
    for t in ticks(y0, y1, log: logY) {
      let y = py(t)
      svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
      svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(escape(format(t)))</text>\n"
    }
    svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(height - 10)\" text-anchor=\"middle\" font-size=\"12\">\(escape(xLabel))</text>\n"
    svg += "<text transform=\"translate(14 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(escape(yLabel))</text>\n"
    for (i, s) in series.enumerated() {
      let pts = s.points.filter { (!logX || $0.x > 0) && (!logY || $0.y > 0) && $0.x.isFinite && $0.y.isFinite && $0.x >= x0 && $0.x <= x1 && $0.y >= y0 && $0.y <= y1 }
      if s.markers {
        for p in pts { svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.5\" fill=\"\(s.color)\"/>" }
        svg += "\n"
      } else if pts.count > 1 {
        let d = pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
        svg += "<polyline points=\"\(d)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "")/>\n"
      }
      let ly = yRange == nil ? top + 14 + Double(i) * 16 : top + plotH - 8 - Double(series.count - 1 - i) * 16
      svg += "<rect x=\"\(f(left + plotW - 170))\" y=\"\(f(ly - 9))\" width=\"10\" height=\"10\" fill=\"\(s.color)\"/>"
      svg += "<text x=\"\(f(left + plotW - 154))\" y=\"\(f(ly))\" font-size=\"11\">\(escape(s.name))</text>\n"
    }
    return svg + "</svg>\n"
  }

  /// A bar chart of several series over the same integer bins (side by side).
  public static func histogram(
    title: String, xLabel: String, yLabel: String, bins: [Int], series: [(name: String, counts: [Double], color: String)],
    width: Int = 560, height: Int = 320
  ) -> String {
    let (left, right, top, bottom) = (64.0, 16.0, 32.0, 48.0)
    let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
    let maxCount = max(series.flatMap { $0.counts }.max() ?? 1, 1)
    let slot = plotW / Double(max(bins.count, 1))
    let barW = slot / Double(max(series.count, 1))
    var svg = header(width: width, height: height, title: title)
    svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#444\"/>\n"
    for t in ticks(0, maxCount, log: false) {
      let y = top + (1 - t / maxCount) * plotH
      svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
      svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(escape(format(t)))</text>\n"
    }
    for (s, entry) in series.enumerated() {
      for (i, c) in entry.counts.enumerated() where c > 0 {
        let h = c / maxCount * plotH
        svg += "<rect x=\"\(f(left + Double(i) * slot + Double(s) * barW))\" y=\"\(f(top + plotH - h))\" width=\"\(f(max(barW, 0.5)))\" height=\"\(f(h))\" fill=\"\(entry.color)\"/>"
      }
      svg += "\n"
      let ly = top + 14 + Double(s) * 16
      svg += "<rect x=\"\(f(left + plotW - 170))\" y=\"\(f(ly - 9))\" width=\"10\" height=\"10\" fill=\"\(entry.color)\"/>"
      svg += "<text x=\"\(f(left + plotW - 154))\" y=\"\(f(ly))\" font-size=\"11\">\(escape(entry.name))</text>\n"
    }
    let labelEvery = max(1, bins.count / 10)
    for (i, b) in bins.enumerated() where i % labelEvery == 0 {
      svg += "<text x=\"\(f(left + (Double(i) + 0.5) * slot))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" font-size=\"11\">\(b)</text>"
    }
    svg += "\n<text x=\"\(f(left + plotW / 2))\" y=\"\(height - 10)\" text-anchor=\"middle\" font-size=\"12\">\(escape(xLabel))</text>\n"
    svg += "<text transform=\"translate(14 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(escape(yLabel))</text>\n"
    return svg + "</svg>\n"
  }

  /// A heat map of `values` (row-major `rows × columns`), dark = high, with a colour bar.
  public static func heatmap(title: String, values: [Double], rows: Int, columns: Int, cell: Int = 10) -> String {
    let width = columns * cell + 100, height = rows * cell + 50
    let lo = values.min() ?? 0, hi = max(values.max() ?? 1, lo + 1e-12)
    func color(_ v: Double) -> String {
      // Light yellow → dark blue ramp: monotone in lightness, prints in grey.
      let t = (v - lo) / (hi - lo)
      let r = Int(255 - t * 220), g = Int(250 - t * 180), b = Int(200 - t * 60)
      return String(format: "#%02x%02x%02x", r, g, b)
    }
    var svg = header(width: width, height: height, title: title)
    for i in 0..<rows {
      for j in 0..<columns {
        svg += "<rect x=\"\(10 + j * cell)\" y=\"\(30 + i * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(color(values[i * columns + j]))\"/>"
      }
      svg += "\n"
    }
    let barX = 20 + columns * cell
    for k in 0..<20 {
      let v = hi - Double(k) / 19 * (hi - lo)
      svg += "<rect x=\"\(barX)\" y=\"\(30 + k * rows * cell / 20)\" width=\"14\" height=\"\(rows * cell / 20 + 1)\" fill=\"\(color(v))\"/>"
    }
    svg += "<text x=\"\(barX + 18)\" y=\"40\" font-size=\"11\">\(escape(format(hi)))</text>"
    svg += "<text x=\"\(barX + 18)\" y=\"\(30 + rows * cell)\" font-size=\"11\">\(escape(format(lo)))</text>\n"
    return svg + "</svg>\n"
  }

  /// Horizontal bars, one per labelled value, each with its value printed
  /// at its end (e.g. throughput per model).
  public static func bars(
    title: String, xLabel: String, labels: [String], values: [Double], colors: [String]? = nil, width: Int = 560
  ) -> String {
    let (left, right, top, bottom, barH) = (190.0, 70.0, 32.0, 40.0, 20.0)
    let height = Int(top + bottom + Double(values.count) * (barH + 6))
    let plotW = Double(width) - left - right
    let top1 = max(values.max() ?? 1, 1e-12)
    var svg = header(width: width, height: height, title: title)
    for (i, (label, value)) in zip(labels, values).enumerated() {
      let y = top + Double(i) * (barH + 6)
      let w = max(0, value) / top1 * plotW
      let color = colors?[i % (colors?.count ?? 1)] ?? palette[0]
      svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + barH * 0.7))\" text-anchor=\"end\" font-size=\"11\">\(escape(label))</text>"
      svg += "<rect x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(barH))\" fill=\"\(color)\"/>"
      svg += "<text x=\"\(f(left + w + 4))\" y=\"\(f(y + barH * 0.7))\" font-size=\"11\">\(escape(value >= 100 ? String(format: "%.0f", value) : format(value)))</text>\n"
    }
    svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(height - 12)\" text-anchor=\"middle\" font-size=\"12\">\(escape(xLabel))</text>\n"
    return svg + "</svg>\n"
  }

  static func header(width: Int, height: Int, title: String) -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
      + "<rect width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>\n"
      + "<text x=\"\(width / 2)\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>\n"
  }

  static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
