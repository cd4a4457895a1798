// `sprig-bench dense`: one training epoch of the dense CNN of `sprig example
// cnn` and the LSTM of `sprig example lstm`, in Sprig and, where a python3
// with torch is at hand, in PyTorch on the same machine in the same run
// (scripts/pytorch_reference.py builds and trains the same networks).
import ArgumentParser
import Foundation
import Sprig
import SprigCLI

struct DenseModelRecord: Codable {
  var model: String
  var engine: String
  var threads: Int
  /// Seconds of training steps per epoch (no data loading, no test pass).
  var train_seconds_per_epoch: Double
  var samples_per_second: Double
  var test_accuracy: Double
  /// For Sprig's rows: PyTorch's seconds over Sprig's (> 1: Sprig faster).
  var speedup_vs_pytorch: Double?
  var torch_version: String?
  var machine: String
  var git_commit: String
}

struct PyTorchComparison: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dense",
    abstract: "Time a training epoch of the example dense CNN and LSTM against PyTorch (when torch is installed).")

  @Option(help: "Models, comma-separated: cnn (Fashion-MNIST), lstm (MNIST row by row).") var models: String = "cnn,lstm"
  @Option(help: "Threads, for Sprig and PyTorch alike.") var threads: Int = 2
  @Option(help: "Use only the first N training samples.") var trainLimit: Int?
  @Option(help: "Use only the first N test samples (Sprig's side; a smoke run).") var testLimit: Int?
  @Option(help: "The python3 whose torch runs the PyTorch side (rows skipped when it has none).") var python: String = "python3"
  @Flag(help: "Skip PyTorch.") var noPytorch = false
  @Option(help: "Write the records as a JSON array to this path.") var json: String?
  @OptionGroup var dataRoot: DataRootOption

  func run() throws {
    Parallel.threadCount = threads
    _ = Machine.gitCommit
    let names = models.split(separator: ",").map(String.init)
    for name in names where !["cnn", "lstm"].contains(name) { throw ValidationError("unknown model \(name) (cnn, lstm)") }
    print("sprig-bench dense — \(Machine.header), \(Machine.threadsInUse)")
    Machine.warnAboutSetup()
    let machine = Machine.name
    var records: [DenseModelRecord] = []
    for name in names {
      let dataset: DatasetName = name == "cnn" ? .fashionMNIST : .mnist
      var split = try DatasetSplit.load(dataset, roots: dataRoot.roots, trainLimit: trainLimit, testLimit: testLimit)
      split.normalize(.standardize)
      let result = name == "cnn"
        ? try CNNExample.run(on: split, head: .dense, epochs: 1)
        : try SequenceExample.run(on: split, cell: .lstm, epochs: 1)
      let rate = result.history[0].samplesPerSecond
      records.append(DenseModelRecord(
        model: name, engine: "sprig", threads: threads, train_seconds_per_epoch: Double(split.train.count) / rate,
        samples_per_second: rate, test_accuracy: result.finalTestAccuracy, machine: machine, git_commit: Machine.gitCommit))
    }
    if !noPytorch { records += try pytorch(names) }
    for i in records.indices where records[i].engine == "sprig" {
      if let theirs = records.first(where: { $0.engine == "pytorch" && $0.model == records[i].model }) {
        records[i].speedup_vs_pytorch = theirs.train_seconds_per_epoch / records[i].train_seconds_per_epoch
      }
    }
    print("model  engine   threads  s/epoch  samples/s  test acc  vs PyTorch")
    for r in records {
      print(
        "\(r.model.padding(toLength: 6, withPad: " ", startingAt: 0)) \(r.engine.padding(toLength: 8, withPad: " ", startingAt: 0))"
          + String(format: " %7d %8.2f %10.0f %8.2f%%", r.threads, r.train_seconds_per_epoch, r.samples_per_second, r.test_accuracy * 100)
          + (r.speedup_vs_pytorch.map { String(format: "  %.2f×", $0) } ?? ""))
    }
    if let json {
      try writeRecordJSON(records, to: URL(fileURLWithPath: json))
    }
  }

  /// PyTorch's rows from scripts/pytorch_reference.py, or none (with a
  /// note) where the script or torch is missing.
  func pytorch(_ names: [String]) throws -> [DenseModelRecord] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/pytorch_reference.py")
      .standardizedFileURL
    guard FileManager.default.fileExists(atPath: script.path) else {
      print("PyTorch: skipped (\(script.path) not found: run from a checkout)")
      return []
    }
    var arguments = [
      script.path, "--threads", "\(threads)", "--models", names.joined(separator: ","),
      "--fashion-mnist", try DataRoots.locate(.fashionMNIST, roots: dataRoot.roots).path,
      "--mnist", try DataRoots.locate(.mnist, roots: dataRoot.roots).path,
    ]
    if let trainLimit { arguments += ["--train-limit", "\(trainLimit)"] }
    let check = Process()
    check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    check.arguments = [python, "-c", "import torch"]
    check.standardError = FileHandle.nullDevice
    guard (try? check.run()) != nil, ({ check.waitUntilExit(); return check.terminationStatus == 0 })() else {
      print("PyTorch: skipped (\(python) cannot import torch; pip install torch to compare)")
      return []
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [python] + arguments
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw ValidationError("scripts/pytorch_reference.py failed (exit \(p.terminationStatus))") }
    struct Row: Decodable {
      var model: String
      var threads: Int
      var train_seconds_per_epoch: Double
      var samples_per_second: Double
      var test_accuracy: Double
      var torch_version: String
    }
    let machine = Machine.name
    return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
      let r = try JSONDecoder().decode(Row.self, from: Data(line.utf8))
      return DenseModelRecord(
        model: r.model, engine: "pytorch", threads: r.threads, train_seconds_per_epoch: r.train_seconds_per_epoch,
        samples_per_second: r.samples_per_second, test_accuracy: r.test_accuracy, torch_version: r.torch_version,
        machine: machine, git_commit: Machine.gitCommit)
    }
  }
}
