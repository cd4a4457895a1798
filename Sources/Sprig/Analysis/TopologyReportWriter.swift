// TopologyReportWriter: a topology analysis as files — report.json,
// report.md, a self-contained report.html with inline SVG plots, and each
// layer as a Matrix Market file.
import Foundation

/// Errors finding what to analyse.
public enum AnalysisError: Error, CustomStringConvertible {
  case nothingToAnalyse(String)

  public var description: String {
    switch self {
    case .nothingToAnalyse(let path):
      return "\(path): neither a run folder with model.safetensors or degrees.jsonl nor a checkpoint. Pass the folder `sprig train --out` wrote (train with --record-degrees 1 for per-epoch curves) or a model.safetensors."
    }
  }
}

/// Where an analysis comes from: degree records, run facts and the final weights.
public struct AnalysisSource {
  public var records: [DegreeRecord]
  public var checkpoint: Checkpoint?
  public var facts: [String: String]
  public var imageShape: ImageShape?
  public var path: String
  /// The pictures training wrote into the run folder (sample grids,
  /// interpolations), by epoch: the report copies and links them.
  public var images: [URL] = []

  /// Reads a run folder (degrees.jsonl, model.safetensors) or a checkpoint file.
  public init(url: URL) throws {
    path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw AnalysisError.nothingToAnalyse(url.path)
    }
    let folder = isDirectory.boolValue ? url : url.deletingLastPathComponent()
    let checkpointURL = isDirectory.boolValue ? url.appendingPathComponent("model.safetensors") : url
    checkpoint = FileManager.default.fileExists(atPath: checkpointURL.path) ? try Checkpoint(contentsOf: checkpointURL) : nil
    facts = checkpoint?.info ?? [:]
    for key in ["model", "options"] { facts.removeValue(forKey: key) }
    if isDirectory.boolValue {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      func epoch(_ name: String) -> Int { Int(name.split(separator: "-").last?.split(separator: ".").first ?? "") ?? 0 }
      images = names.filter { $0.hasSuffix(".svg") && $0.contains("-epoch-") }
        .sorted { (epoch($0), $0) < (epoch($1), $1) }.map { folder.appendingPathComponent($0) }
    }
    let degreesURL = folder.appendingPathComponent("degrees.jsonl")
    if isDirectory.boolValue, FileManager.default.fileExists(atPath: degreesURL.path) {
      records = try JSONLines.read(DegreeRecord.self, from: degreesURL)
    } else if let model = checkpoint?.model {
      records = [DegreeRecord(epoch: Int(facts["epoch"] ?? "") ?? 0, model: model)]
    } else {
      records = []
    }
    // A checkpoint of a dense model still gets a report (saying so); a
    // folder with neither degrees nor a checkpoint has nothing to report.
    guard !records.isEmpty, checkpoint != nil || !(records.last?.layers.isEmpty ?? true) else {
      throw AnalysisError.nothingToAnalyse(url.path)
    }
    if let model = checkpoint?.model, model.sparseLayers.isEmpty {
      facts["sparse layers"] = "none: every layer is dense (\(model.parameterCount) parameters); train a sparse model (e.g. --model set-cnn) to see its wiring"
    }
    if let shape = facts["image_shape"] {
      let parts = shape.split(separator: "x").compactMap { Int($0) }
      if parts.count == 3 { imageShape = ImageShape(height: parts[0], width: parts[1], channels: parts[2]) }
    }
  }
}

extension TopologyReport {
  /// Analyses `source` and writes report.json, report.md, report.html and
  /// `layer<i>.mtx` for each sparse layer of its checkpoint into `folder`.
  @discardableResult
  public static func write(_ source: AnalysisSource, to folder: URL, resamples: Int = 100, seed: UInt64 = 0) throws -> TopologyReport {
    let report = TopologyReport(
      records: source.records, source: source.path, facts: source.facts, imageShape: source.imageShape,
      resamples: resamples, seed: seed)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    // Durable like the run's own files: the folder is often the run folder.
    try DurableFile.write(encoder.encode(report), to: folder.appendingPathComponent("report.json"))
    try DurableFile.write(Data(report.markdown().utf8), to: folder.appendingPathComponent("report.md"))
    for image in source.images {
      let copy = folder.appendingPathComponent(image.lastPathComponent)
      if copy.standardizedFileURL != image.standardizedFileURL {
        try DurableFile.write(Data(contentsOf: image), to: copy)
      }
    }
    try DurableFile.write(
      Data(report.html(records: source.records, images: source.images.map(\.lastPathComponent)).utf8),
      to: folder.appendingPathComponent("report.html"))
    if let model = source.checkpoint?.model {
      for (i, layer) in model.layers.enumerated() {
        let matrices = (layer as? HasSparseLayers)?.sparseLayers ?? []
        for (j, sparse) in matrices.enumerated() {
          let name = layer is SparseLinear ? "layer\(i).mtx" : "layer\(i)-sparse\(j).mtx"
          try DurableFile.write(Data(matrixMarket(sparse.weights).utf8), to: folder.appendingPathComponent(name))
        }
      }
    }
    return report
  }

  /// A Matrix Market coordinate file (1-based; rows = output neurons).
  static func matrixMarket(_ w: CSRMatrix) -> String {
    var lines = ["%%MatrixMarket matrix coordinate real general", "% Sprig sparse layer: rows are output neurons, columns input neurons",
      "\(w.rows) \(w.columns) \(w.nonzeroCount)"]
    lines.reserveCapacity(w.nonzeroCount + 3)
    for i in 0..<w.rows {
      for k in Int(w.pattern.rowPointers[i])..<Int(w.pattern.rowPointers[i + 1]) {
        lines.append("\(i + 1) \(w.pattern.columnIndices[k] + 1) \(w.values[k])")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The number format every report uses, so HTML and Markdown show the JSON's values.
  public static func show(_ v: Double?) -> String {
    guard let v else { return "–" }
    if v != 0 && (abs(v) < 1e-3 || abs(v) >= 1e6) { return String(format: "%.4e", v) }
    return String(format: "%.4f", v)
  }

  static func show(_ v: Int?) -> String { v.map(String.init) ?? "–" }

  /// The rows of the summary table: label, JSON path, shown value.
  func summaryRows(_ l: Layer, side: String) -> [(String, String, String)] {
    let a = side == "in" ? l.inDegrees : l.outDegrees
    let base = "layers.\(layers.firstIndex(of: l)!).\(side)."
    var rows: [(String, String, String)] = [
      ("mean degree", base + "statistics.mean", Self.show(a.statistics.mean)),
      ("variance / mean", base + "statistics.varianceToMeanRatio", Self.show(a.statistics.varianceToMeanRatio)),
      ("max degree", base + "statistics.maximum", Self.show(a.statistics.maximum)),
      ("Gini", base + "statistics.gini", Self.show(a.statistics.gini)),
      ("zero-degree neurons", base + "zero_degree_count", Self.show(a.zeroDegreeCount)),
      ("binomial null p", base + "null_probability", Self.show(a.nullProbability)),
      ("χ² vs binomial", base + "chi_squared", Self.show(a.chiSquared)),
      ("χ² p-value", base + "binomial_p_value", Self.show(a.binomialPValue)),
      ("power-law α", base + "alpha", Self.show(a.alpha)),
      ("α standard error", base + "alpha_standard_error", Self.show(a.alphaStandardError)),
      ("x_min", base + "x_min", Self.show(a.xMin)),
      ("tail size", base + "tail_count", Self.show(a.tailCount)),
      ("power-law KS D", base + "power_law_ks_distance", Self.show(a.powerLawKSDistance)),
      ("bootstrap p-value", base + "bootstrap_p_value", Self.show(a.bootstrapPValue)),
    ]
    for (j, c) in a.comparisons.enumerated() {
      rows.append(("LR vs \(c.alternative) (normalised R)", base + "comparisons.\(j).normalized_ratio", Self.show(c.normalizedRatio)))
      rows.append(("LR vs \(c.alternative) p-value", base + "comparisons.\(j).p_value", Self.show(c.pValue)))
    }
    return rows
  }

  /// The summary as Markdown tables.
  public func markdown() -> String {
    var md = "# Topology report\n\nSource: `\(source)`\n\n"
    for key in facts.keys.sorted() { md += "- \(key): \(facts[key]!)\n" }
    for l in layers {
      md += "\n## \(l.title): \(l.inputs) → \(l.outputs), \(l.connections) connections (density \(Self.show(l.density)))\n\n"
      md += "Epochs \(l.firstEpoch)–\(l.lastEpoch). Verdict — in-degrees: **\(l.inDegrees.verdict)**"
      md += l.inDegrees.tooShortForClaim ? " (tail too short for any claim)" : ""
      md += "; out-degrees: **\(l.outDegrees.verdict)**" + (l.outDegrees.tooShortForClaim ? " (tail too short for any claim)" : "") + ".\n\n"
      md += "| measure | in-degrees | out-degrees |\n| --- | --- | --- |\n"
      for (a, b) in zip(summaryRows(l, side: "in"), summaryRows(l, side: "out")) where a.0 == b.0 {
        md += "| \(a.0) | \(a.2) | \(b.2) |\n"
      }
    }
    return md
  }

  /// The self-contained HTML page: tables and inline SVG plots, no network.
  /// Every number cell carries `data-json`, the JSON path of the value it shows.
  public func html(records: [DegreeRecord], images: [String] = []) -> String {
    var page = """
      <!DOCTYPE html>
      <html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/><title>Sprig topology report</title>
      <style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em;color:#111}table{border-collapse:collapse;margin:.5em 0}
      td,th{border:1px solid #999;padding:2px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
      .plots{display:flex;flex-wrap:wrap;gap:8px}.plots svg{break-inside:avoid;page-break-inside:avoid}
      @media print{.plots svg{max-width:48%;height:auto}}</style></head><body>
      <h1>Sprig topology report</h1><p>Source: <code>\(SVGPlot.escape(source))</code></p><ul>
      """
    for key in facts.keys.sorted() { page += "<li>\(SVGPlot.escape(key)): \(SVGPlot.escape(facts[key]!))</li>" }
    page += "</ul>\n"
    if !images.isEmpty {
      // Training's own pictures, beside the report (copied with it).
      page += "<h2>Samples</h2><div class=\"plots\">"
      for name in images {
        page += "<figure><img src=\"\(SVGPlot.escape(name))\" alt=\"\(SVGPlot.escape(name))\"/><figcaption>\(SVGPlot.escape(name))</figcaption></figure>"
      }
      page += "</div>\n"
    }
    for (position, l) in layers.enumerated() {
      page += "<h2>\(SVGPlot.escape(l.title)): \(l.inputs) → \(l.outputs), \(l.connections) connections</h2>\n"
      page += "<p>Verdict (Broido &amp; Clauset): in-degrees <b>\(SVGPlot.escape(l.inDegrees.verdict))</b>"
      page += l.inDegrees.tooShortForClaim ? " (tail too short for any claim)" : ""
      page += ", out-degrees <b>\(SVGPlot.escape(l.outDegrees.verdict))</b>"
      page += (l.outDegrees.tooShortForClaim ? " (tail too short for any claim)" : "") + ".</p>\n"
      page += "<table><tr><th>measure</th><th>in-degrees</th><th>out-degrees</th></tr>\n"
      for (a, b) in zip(summaryRows(l, side: "in"), summaryRows(l, side: "out")) where a.0 == b.0 {
        page += "<tr><td>\(SVGPlot.escape(a.0))</td><td data-json=\"\(a.1)\">\(a.2)</td><td data-json=\"\(b.1)\">\(b.2)</td></tr>\n"
      }
      page += "</table>\n<div class=\"plots\">\n"
      let firstDegrees = records.first!.layers[position], lastDegrees = records.last!.layers[position]
      for (side, analysis, degrees) in [("in", l.inDegrees, lastDegrees.inDegrees), ("out", l.outDegrees, lastDegrees.outDegrees)] {
        page += Self.ccdfPlot(degrees: degrees, analysis: analysis, title: "\(l.title) \(side)-degree CCDF (epoch \(l.lastEpoch))")
      }
      for (side, a, b) in [("in", firstDegrees.inDegrees, lastDegrees.inDegrees), ("out", firstDegrees.outDegrees, lastDegrees.outDegrees)] {
        page += Self.histogramPlot(first: a, last: b, firstEpoch: l.firstEpoch, lastEpoch: l.lastEpoch, title: "\(l.title) \(side)-degree histogram")
      }
      if let shape = l.imageShape, l.part == "kernel" {
        // One row per input channel, one column per kernel position (ky, kx): the kernel's column order.
        let positions = shape.height * shape.width
        page += SVGPlot.heatmap(
          title: "Out-degree of each input channel (rows) × kernel position (columns) at epoch \(l.lastEpoch)",
          values: lastDegrees.outDegrees.map(Double.init), rows: shape.channels, columns: positions, cell: 10)
      } else if let shape = l.imageShape {
        let plane = shape.height * shape.width
        for c in 0..<shape.channels {
          let values = (0..<plane).map { Double(lastDegrees.outDegrees[c * plane + $0]) }
          page += SVGPlot.heatmap(
            title: "Out-degree of each input pixel\(shape.channels > 1 ? " (channel \(c))" : "") at epoch \(l.lastEpoch)",
            values: values, rows: shape.height, columns: shape.width, cell: shape.width > 28 ? 8 : 10)
        }
      }
      let points = epochs.filter { $0.layer == l.layer && $0.part == l.part }
      if Set(points.map(\.epoch)).count > 1 {
        let curves: [(String, String, (EpochPoint) -> Double?)] = [
          ("power-law α", "α", { $0.alpha }), ("max degree", "max degree", { Double($0.maxDegree) }),
          ("Gini coefficient", "Gini", { $0.gini }), ("χ² against the binomial null", "χ²", { $0.chiSquared }),
        ]
        for (title, label, value) in curves {
          let series = ["in", "out"].enumerated().map { i, side in
            SVGPlot.Series(
              name: "\(side)-degrees", points: points.filter { $0.side == side }.compactMap { p in value(p).map { (Double(p.epoch), $0) } },
              markers: false, color: SVGPlot.palette[i])
          }
          page += SVGPlot.chart(title: "\(l.title): \(title) per epoch", xLabel: "epoch", yLabel: label, series: series, width: 420, height: 280)
        }
      }
      page += "</div>\n"
    }
    return page + "</body></html>\n"
  }

  static func ccdfPlot(degrees: [Int], analysis: SequenceAnalysis, title: String) -> String {
    let positive = degrees.filter { $0 > 0 }.sorted()
    let n = Double(positive.count)
    var empirical: [(x: Double, y: Double)] = []
    var i = 0
    while i < positive.count {
      empirical.append((Double(positive[i]), Double(positive.count - i) / n))  // P(X ≥ x)
      let v = positive[i]
      while i < positive.count && positive[i] == v { i += 1 }
    }
    var series = [SVGPlot.Series(name: "observed", points: empirical, markers: true, color: SVGPlot.palette[0])]
    let maxDegree = positive.last ?? 1
    let null = BinomialModel(trials: analysis.nullTrials, probability: analysis.nullProbability)
    let nullPoints = (1...max(maxDegree, Int(null.mean * 2))).map { x in (Double(x), null.survivalProbability(x - 1)) }.filter { $0.1 > 1e-6 }
    series.append(SVGPlot.Series(name: "binomial null", points: nullPoints, color: SVGPlot.palette[2], dashed: true))
    if let alpha = analysis.alpha, let xMin = analysis.xMin, let tail = analysis.tailCount {
      let law = DiscretePowerLaw(exponent: alpha, minimum: xMin)
      let scale = Double(tail) / n
      let fitted = (xMin...max(xMin, maxDegree)).map { x in (Double(x), scale * law.tailProbability(x)) }
      series.append(SVGPlot.Series(name: "power law α=\(show(alpha))", points: fitted, color: SVGPlot.palette[1]))
    }
    return SVGPlot.chart(title: title, xLabel: "degree", yLabel: "P(X ≥ degree)", series: series, logX: true, logY: true, width: 420, height: 300)
  }

  static func histogramPlot(first: [Int], last: [Int], firstEpoch: Int, lastEpoch: Int, title: String) -> String {
    let top = max(first.max() ?? 0, last.max() ?? 0)
    let width = max(1, (top + 1 + 59) / 60)  // at most ~60 bars
    let bins = Array(stride(from: 0, through: top, by: width))
    func counts(_ d: [Int]) -> [Double] {
      var c = [Double](repeating: 0, count: bins.count)
      for v in d { c[min(v / width, bins.count - 1)] += 1 }
      return c
    }
    return SVGPlot.histogram(
      title: title, xLabel: "degree", yLabel: "neurons", bins: bins,
      series: [("epoch \(firstEpoch)", counts(first), SVGPlot.palette[2]), ("epoch \(lastEpoch)", counts(last), SVGPlot.palette[1])],
      width: 420, height: 280)
  }
}
