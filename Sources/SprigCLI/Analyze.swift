// `sprig analyze`: degree-distribution reports of a run or checkpoint.
import ArgumentParser
import Foundation
import Sprig

struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Analyse how a trained topology is wired: degree statistics, power-law fit, binomial null, verdict.",
    discussion: """
      Writes report.json, report.md, report.html (self-contained, inline SVG) and layer<i>.mtx (Matrix Market) \
      into --out. Per-epoch curves need a run trained with --record-degrees N.
      """)

  @Argument(help: "A run folder written by `sprig train --out`, or a model.safetensors.")
  var source: String
  @Option(name: .customLong("out"), help: "Folder for the report files.") var output: String
  @Option(help: "Bootstrap resamples for the power-law goodness-of-fit p-value.") var resamples: Int = 100
  @Option(help: "Seed for the bootstrap.") var seed: UInt64 = 0

  func validate() throws {
    guard resamples >= 1 else { throw ValidationError("--resamples must be at least 1, got \(resamples).") }
  }

  func run() throws {
    let input = try AnalysisSource(url: URL(fileURLWithPath: source))
    let report = try TopologyReport.write(input, to: URL(fileURLWithPath: output), resamples: resamples, seed: seed)
    for l in report.layers {
      print(
        "\(l.title) \(l.inputs)→\(l.outputs): in-degrees α \(TopologyReport.show(l.inDegrees.alpha)) "
          + "(x_min \(l.inDegrees.xMin.map(String.init) ?? "–"), p \(TopologyReport.show(l.inDegrees.bootstrapPValue))) "
          + "\(l.inDegrees.verdict); out-degrees α \(TopologyReport.show(l.outDegrees.alpha)) "
          + "(x_min \(l.outDegrees.xMin.map(String.init) ?? "–"), p \(TopologyReport.show(l.outDegrees.bootstrapPValue))) "
          + "\(l.outDegrees.verdict)")
    }
    if report.layers.isEmpty { print("no sparse layers: the model is dense, and the report says so") }
    print("report: \(URL(fileURLWithPath: output).appendingPathComponent("report.html").path)")
  }
}
