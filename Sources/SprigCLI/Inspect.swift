// `sprig inspect`: what a checkpoint holds, and one layer's output on given inputs.
import ArgumentParser
import Foundation
import Sprig

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List a checkpoint's layers (type, shape, parameters, each sparse matrix's connections and density); optionally run one layer on inputs from a CSV file.")

  @Argument(help: "A model.safetensors (or its run folder); with --estimate, also a model description (.json).")
  var checkpoint: String
  @Option(help: "With --input: the layer to run (0 = first).") var layer: Int = 0
  @Option(help: "CSV file, one sample per line, the layer's input features (raw: no scaling is applied).")
  var input: String?
  @Option(help: "Where to write the layer's outputs as CSV (default: standard output).") var output: String?
  @Flag(help: "Print the model description (JSON) the checkpoint holds: pass it to `sprig train --model PATH.json`.")
  var description = false
  @Flag(help: "Print the memory training this model needs (per layer: parameters with gradients and optimizer state, activations) beside the memory available.")
  var estimate = false
  @Option(help: "With --estimate: the training batch size (default: the description's, else 128).") var batchSize: Int?

  /// The estimate as `sprig inspect --estimate` and `sprig train --estimate` print it.
  static func printEstimate(_ estimate: MemoryEstimate) {
    print(estimate)
    let machine = MachineMemory.available()
    let verdict = estimate.totalBytes <= machine.bytes ? "fits" : "does NOT fit"
    print("available: \(ByteCount.phrase(machine.bytes)) (\(machine.source)): the model \(verdict)")
  }

  static func checkpointURL(_ path: String) -> URL {
    var isDirectory: ObjCBool = false
    let url = URL(fileURLWithPath: path)
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      return url.appendingPathComponent("model.safetensors")
    }
    return url
  }

  func run() throws {
    if estimate {
      let description: ModelDescription
      if checkpoint.hasSuffix(".json") {
        description = try ModelDescription(contentsOf: URL(fileURLWithPath: checkpoint))
      } else {
        description = try Checkpoint(contentsOf: Self.checkpointURL(checkpoint)).model.description
      }
      var options = description.training ?? TrainingOptions()
      if let batchSize { options.batchSize = batchSize }
      Self.printEstimate(try MemoryEstimate(description: description, options: options, source: checkpoint))
      return
    }
    let loaded = try Checkpoint(contentsOf: Self.checkpointURL(checkpoint))
    let model = loaded.model
    if description {
      print(String(decoding: try model.description.json(), as: UTF8.self))
      return
    }
    guard let input else {
      let description = model.description
      for (i, l) in model.layers.enumerated() {
        var line = "\(i)  \(l.name)  [\(i < description.layers.count ? description.layers[i].type.rawValue : "?")]  \(l.inputSize) → \(l.outputSize)"
        if l.parameterCount > 0 { line += "  \(l.parameterCount) parameters" }
        print(line)
        for (j, m) in ((l as? HasSparseLayers)?.sparseLayers ?? []).enumerated() {
          let which = l is SparseLinear ? "weights" : "sparse matrix \(j)"
          print(
            "     \(which) \(m.outputSize)×\(m.inputSize): \(m.connectionCount) connections"
              + String(format: " (density %.4f)", m.pattern.density))
        }
      }
      let sparse = model.sparseLayers.reduce(0) { $0 + $1.connectionCount }
      print("weights \(model.connectionCount) (\(sparse) of them in sparse matrices), parameters \(model.parameterCount)")
      print("model: \(description.name ?? "unnamed") (its description: sprig inspect --description \(checkpoint))")
      for key in loaded.info.keys.sorted() { print("\(key): \(loaded.info[key]!)") }
      return
    }
    guard (0..<model.layers.count).contains(layer) else {
      throw ValidationError("--layer must be in 0..<\(model.layers.count).")
    }
    let target = model.layers[layer]
    let text = try String(contentsOfFile: input, encoding: .utf8)
    let rows = text.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
    var samples: [[Float]] = []
    for (n, row) in rows.enumerated() {
      let values = row.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
      guard values.count == target.inputSize, values.allSatisfy({ $0 != nil }) else {
        throw ValidationError("\(input) line \(n + 1): expected \(target.inputSize) numbers separated by commas.")
      }
      samples.append(values.map { $0! })
    }
    let x = Matrix(samples).transposed()  // samples as columns: feature-major
    let y = target.forward(x, training: false).transposed()
    let csv = (0..<y.rows).map { i in y.row(i).map { String($0) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
    if let output { try csv.write(toFile: output, atomically: true, encoding: .utf8) } else { print(csv, terminator: "") }
  }
}
