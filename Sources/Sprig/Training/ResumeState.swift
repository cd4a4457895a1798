// ResumeState: what a run needs to go on after an epoch exactly as if it
// had never stopped.
import Foundation

/// A training run's state between two epochs: the model as it enters the
/// next epoch (after rewiring), every parameter's optimizer state, the
/// optimizer's step count and the metrics so far.
///
/// Random streams need no saving: ``Trainer`` derives each epoch's shuffle,
/// dropout, augmentation and evolution streams from the seed and the epoch
/// number. The file is a checkpoint (same layout, readable by
/// ``Checkpoint``) plus `state.<layer>.<parameter>.<k>` tensors (the
/// parameter by its index in the layer's `parameters`) and the
/// metadata keys `resume_format`, `optimizer_steps` and `history`.
public struct ResumeState {
  public static let format = "sprig-resume-2"
  public var model: Sequential
  public var optimizerSteps: Int
  public var history: [EpochMetrics]
  /// What the objective keeps between epochs besides the model (PCD's
  /// chains), by tensor name.
  public var extraTensors: [String: Tensor] = [:]

  public init(model: Sequential, optimizerSteps: Int, history: [EpochMetrics]) {
    self.model = model
    self.optimizerSteps = optimizerSteps
    self.history = history
  }

  /// Writes the state atomically, so a crash mid-write keeps the previous one.
  public func write(to url: URL) throws {
    var file = try Checkpoint(model: model, scaling: nil).file()
    for (i, layer) in model.layers.enumerated() {
      for (j, p) in layer.parameters.enumerated() {
        for (k, state) in p.optimizerState.enumerated() {
          file.tensors["state.\(i).\(j).\(k)"] = Tensor(shape: [state.count], data: .float32(state))
        }
      }
    }
    for (name, tensor) in extraTensors { file.tensors[name] = tensor }
    file.metadata["resume_format"] = Self.format
    file.metadata["optimizer_steps"] = String(optimizerSteps)
    file.metadata["history"] = String(decoding: try JSONEncoder().encode(history), as: UTF8.self)
    try file.write(to: url)
  }

  /// Reads a state written by ``write(to:)``.
  public init(contentsOf url: URL) throws {
    let path = url.path
    let file = try SafeTensorsFile(contentsOf: url)
    guard file.metadata["resume_format"] == Self.format, let steps = file.metadata["optimizer_steps"].flatMap({ Int($0) }),
      let historyJSON = file.metadata["history"],
      let history = try? JSONDecoder().decode([EpochMetrics].self, from: Data(historyJSON.utf8))
    else {
      throw SafeTensorsError.badHeader(path: path, reason: "not a Sprig resume state (format \(file.metadata["resume_format"] ?? "missing"))")
    }
    let model = try Checkpoint(file: file, path: path).model
    for (i, layer) in model.layers.enumerated() {
      for (j, p) in layer.parameters.enumerated() {
        var states: [[Float]] = []
        while let state = file.tensors["state.\(i).\(j).\(states.count)"] {
          guard let values = state.data.floats, values.count == p.count else {
            throw SafeTensorsError.badHeader(path: path, reason: "state.\(i).\(j).\(states.count) does not match its parameter's \(p.count) values")
          }
          states.append(values)
        }
        p.optimizerState = states
      }
    }
    self.init(model: model, optimizerSteps: steps, history: history)
    extraTensors = file.tensors.filter { $0.key.hasPrefix("objective.") }
  }
}
