// Optimizer: updates parameters from their gradients, with state per parameter.

/// Updates parameters from the gradients their layers wrote.
///
/// State (momentum, Adam moments) lives in each ``Parameter``'s
/// `optimizerState`, element-aligned with its values, so when SET rewires a
/// layer the state of surviving connections moves with them and regrown
/// connections start from zero.
public protocol Optimizer: AnyObject {
  /// The step size; a schedule may change it between steps.
  var learningRate: Float { get set }
  /// Steps taken so far (Adam's bias correction depends on it); a resumed
  /// run sets it back to where it stopped.
  var stepCount: Int { get set }
  /// Applies one update to each parameter.
  func step(_ parameters: [Parameter])
}

/// The optimizers the CLI and checkpoints name.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
  case sgd, adam
}
