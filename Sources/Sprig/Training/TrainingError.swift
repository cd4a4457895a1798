// TrainingError: what stops a training run, said so a user can act on it.
import Foundation

/// Errors that stop training.
public enum TrainingError: Error, CustomStringConvertible, LocalizedError {
  /// The loss became NaN or infinite; `layer` is the first layer whose
  /// parameters or output stopped being finite.
  case nonFinite(layer: String, layerIndex: Int, epoch: Int, batch: Int, lastCheckpoint: String?)
  /// The data holds NaN or Inf (first at `sample`, `feature` of `split`).
  case nonFiniteInput(split: String, sample: Int, feature: Int)
  /// The data does not fit the model.
  case shapeMismatch(String)
  /// The options ask for something this model cannot do.
  case unsupported(String)
  /// Ranks training one model drew different topologies (`fingerprints`:
  /// each rank's pattern hash of that sparse layer, in rank order).
  case topologyDiverged(layer: String, sparseLayerIndex: Int, epoch: Int, fingerprints: [String])

  public var description: String {
    switch self {
    case .nonFinite(let layer, let index, let epoch, let batch, let checkpoint):
      let kept = checkpoint.map { "The last good checkpoint is kept at \($0)." } ?? "No checkpoint had been written yet."
      return "Training diverged at epoch \(epoch), batch \(batch): layer \(index) (\(layer)) produced NaN or Inf. \(kept) Lower the learning rate (--learning-rate) or add weight decay, then retrain."
    case .topologyDiverged(let layer, let index, let epoch, let prints):
      let when = epoch == 0 ? "before training" : "after the rewire of epoch \(epoch)"
      return "The ranks' topologies differ \(when): sparse layer \(index) (\(layer)) has pattern fingerprints \(prints.joined(separator: ", ")) on ranks 0…\(prints.count - 1). Every rank must start from the same seed and options, on the same data; start the run again (a build or library that differs between ranks also causes this)."
    case .nonFiniteInput(let split, let sample, let feature):
      return "The \(split) data holds NaN or Inf, first at sample \(sample), feature \(feature); training on it would silently poison the weights. Clean or impute the data (for example replace missing values by the feature's mean), then train."
    case .shapeMismatch(let why), .unsupported(let why):
      return why
    }
  }

  public var errorDescription: String? { description }
}
