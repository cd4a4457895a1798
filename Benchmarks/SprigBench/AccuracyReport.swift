// AccuracyReport: the accuracy suite's Markdown table and HTML page, with the
// SET paper's figures beside Sprig's.
import Foundation
import Sprig

enum AccuracyReport {
  /// The SET paper's table (Mocanu et al. 2018), in percent.
  static let reference: [String: [String: Double]] = [
    "mnist": ["mlp": 98.55, "mlp-fixprob": 97.68, "set-mlp": 98.74],
    "cifar10": ["mlp": 68.70, "mlp-fixprob": 62.19, "set-mlp": 74.84],
  ]

  struct Row {
    var dataset: String, model: String, settings: String
    var runs: [AccuracyRecord]
    var best: (mean: Double, std: Double) { stats(runs.map { $0.best_test_accuracy * 100 }) }
    var final: (mean: Double, std: Double) { stats(runs.map { $0.final_test_accuracy * 100 }) }
  }

  static func stats(_ v: [Double]) -> (mean: Double, std: Double) {
    let m = v.reduce(0, +) / Double(max(v.count, 1))
    let s = v.count > 1 ? (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot() : 0
    return (m, s)
  }

  static func rows(_ records: [AccuracyRecord]) -> [Row] {
    var groups: [String: Row] = [:]
    var order: [String] = []
    for r in records {
      let key = "\(r.dataset)|\(r.model)|\(r.settings)"
      if groups[key] == nil {
        groups[key] = Row(dataset: r.dataset, model: r.model, settings: r.settings, runs: [])
        order.append(key)
      }
      groups[key]!.runs.append(r)
    }
    return order.map { groups[$0]! }
  }

  /// Where the runs were measured: their machines, thread counts, commits
  /// and dates, each listed once.
  static func provenance(_ records: [AccuracyRecord]) -> String {
    func distinct(_ values: [String?]) -> String {
      var known: [String] = []
      for v in values.compactMap({ $0 }) where !known.contains(v) { known.append(v) }
      let unknown = values.filter { $0 == nil }.count
      return (known.isEmpty ? ["unrecorded"] : known).joined(separator: "; ") + (unknown > 0 && !known.isEmpty ? " (\(unknown) unrecorded)" : "")
    }
    let dates = records.compactMap { $0.finished }.sorted()
    return "Runs measured on \(distinct(records.map(\.machine))), threads \(distinct(records.map { $0.threads.map(String.init) })), "
      + "sprig-bench commit \(distinct(records.map(\.git_commit)))"
      + (dates.isEmpty ? "." : ", finished \(dates.first!.prefix(10))…\(dates.last!.prefix(10)).")
  }

  static func median(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.sorted()[v.count / 2] }

  static func markdown(_ records: [AccuracyRecord], probes: [ThroughputRecord] = [], header: String) -> String {
    var md = "# sprig-bench accuracy\n\n\(header)\n\n"
    md += "| dataset | model | settings | seeds | epochs | best test acc. | final test acc. | SET paper | train samples/s | × dense MLP | timed together: samples/s, × dense | inference samples/s | median epoch | evolution share | connections | checkpoint | peak RSS |\n"
    md += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    let all = rows(records)
    for row in all {
      let ref = reference[row.dataset]?[row.model].map { String(format: "%.2f %%", $0) } ?? "–"
      let r = row.runs
      let dataset = row.dataset + (r[0].augmented == true ? " (augmented)" : "")
      md += "| \(dataset) | \(row.model) | \(row.settings) | \(r.count) | \(r[0].epochs) | "
      md += String(format: "%.2f ± %.2f %% | %.2f ± %.2f %% | ", row.best.mean, row.best.std, row.final.mean, row.final.std)
      // Throughput relative to the dense MLP trained on the same data with
      // the same settings (else the reference settings), in the same suite.
      let dense =
        all.first { $0.dataset == row.dataset && $0.settings == row.settings && $0.model == "mlp" }
        ?? all.first { $0.dataset == row.dataset && $0.model == "mlp" }
      let ratio = dense.map { String(format: "%.1f×", median(r.map(\.train_samples_per_second)) / median($0.runs.map(\.train_samples_per_second))) } ?? "–"
      let probe = probes.first { $0.dataset == row.dataset && $0.model == row.model && $0.settings == row.settings }
      let together = probe.map { p in String(format: "%.0f", p.samples_per_second) + (p.ratio_to_dense.map { String(format: ", %.1f×", $0) } ?? "") } ?? "–"
      md += "\(ref) | " + String(format: "%.0f | \(ratio) | \(together) | %.0f | %.2f s | %.1f %% | ", median(r.map(\.train_samples_per_second)),
        median(r.map(\.inference_samples_per_second)), median(r.map(\.median_epoch_seconds)), median(r.map(\.evolution_time_share)) * 100)
      md += "\(r[0].connections) | \(r[0].checkpoint_bytes) B | " + String(format: "%.2f GiB |\n", Double(r.map(\.peak_rss_bytes).max() ?? 0) / Double(1 << 30))
    }
    return md
  }

  /// The plots, each a standalone SVG named `<dataset>-<what>`: test
  /// accuracy per epoch, training throughput, accuracy vs connections.
  static func charts(_ records: [AccuracyRecord]) -> [(name: String, svg: String)] {
    var charts: [(name: String, svg: String)] = []
    let all = rows(records)
    var datasets: [String] = []
    for row in all where !datasets.contains(row.dataset) { datasets.append(row.dataset) }
    for dataset in datasets {
      let rs = all.filter { $0.dataset == dataset }
      let series = rs.enumerated().map { i, row in
        let epochs = row.runs[0].test_accuracy_per_epoch.count
        let mean = (0..<epochs).map { e in row.runs.map { $0.test_accuracy_per_epoch[min(e, $0.test_accuracy_per_epoch.count - 1)] }.reduce(0, +) / Double(row.runs.count) * 100 }
        return SVGPlot.Series(
          name: "\(row.model) (\(row.settings))", points: mean.enumerated().map { (Double($0.offset + 1), $0.element) },
          color: SVGPlot.palette[i % SVGPlot.palette.count])
      }
      // The curves end within a few points of each other near the top: show
      // them from the lowest value after the first tenth of the epochs.
      let settled = series.flatMap { s in s.points.dropFirst(s.points.count / 10).map(\.y) }
      let low = (settled.min() ?? 0).rounded(.down), high = min(100, (settled.max() ?? 100).rounded(.up))
      charts.append(("\(dataset)-accuracy", SVGPlot.chart(
        title: "\(dataset): test accuracy per epoch", xLabel: "epoch", yLabel: "test accuracy (%)", series: series,
        yRange: low < high ? low...high : nil)))
      charts.append(("\(dataset)-throughput", SVGPlot.bars(
        title: "\(dataset): training throughput (median over seeds)", xLabel: "samples per second",
        labels: rs.map { "\($0.model) (\($0.settings))" }, values: rs.map { median($0.runs.map(\.train_samples_per_second)) },
        colors: rs.indices.map { SVGPlot.palette[$0 % SVGPlot.palette.count] })))
      let points = rs.enumerated().map { i, row in
        SVGPlot.Series(
          name: "\(row.model) (\(row.settings))", points: [(Double(row.runs[0].connections), row.best.mean)], markers: true,
          color: SVGPlot.palette[i % SVGPlot.palette.count])
      }
      let best = rs.map(\.best.mean)
      let (bestLow, bestHigh) = (((best.min() ?? 0) - 0.5).rounded(.down), min(100, ((best.max() ?? 100) + 0.5).rounded(.up)))
      charts.append(("\(dataset)-connections", SVGPlot.chart(
        title: "\(dataset): accuracy vs connections", xLabel: "connections", yLabel: "best test accuracy (%)", series: points,
        logX: true, yRange: bestLow...bestHigh)))
    }
    return charts
  }

  static func html(_ records: [AccuracyRecord], probes: [ThroughputRecord] = [], header: String) -> String {
    let page = """
      <!DOCTYPE html>
      <html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/><title>sprig-bench accuracy</title>
      <style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em}.plots{display:flex;flex-wrap:wrap;gap:8px}</style>
      </head><body><h1>sprig-bench accuracy</h1><p>\(SVGPlot.escape(header))</p>
      <pre>\(SVGPlot.escape(markdown(records, probes: probes, header: "")))</pre><div class="plots">
      """
    return page + charts(records).map(\.svg).joined() + "</div></body></html>\n"
  }
}
