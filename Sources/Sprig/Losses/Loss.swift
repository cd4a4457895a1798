// Loss: the protocol of losses that compare predictions with targets of the same shape.

/// A loss between predictions and targets of the same shape
/// (`features × batch`, feature-major like every activation).
///
/// A loss returns one number for the batch and, in the same pass, writes
/// ∂L/∂predictions, which is what a training step feeds to the last
/// layer's `backward`.
public protocol Loss {
  /// The loss's command-line name (the raw value of its ``LossKind``).
  var name: String { get }
  /// Returns the loss averaged as documented; writes ∂L/∂predictions into `gradient` (reshaped to predictions' shape).
  ///
  /// - Parameters:
  ///   - predictions: The model's output, `features × batch`.
  ///   - targets: The wanted output, same shape.
  ///   - gradient: Receives ∂L/∂predictions; must be a matrix of its own
  ///     (not `predictions` or `targets`).
  func callAsFunction(_ predictions: Matrix, _ targets: Matrix, gradient: Matrix) -> Float
}

/// Checks the arguments every loss takes, with the loss's name in the message.
func checkLossArguments(_ predictions: Matrix, _ targets: Matrix, gradient: Matrix, name: String) {
  precondition(
    predictions.rows == targets.rows && predictions.columns == targets.columns,
    "\(name): predictions are \(predictions.rows)×\(predictions.columns), targets \(targets.rows)×\(targets.columns)")
  precondition(predictions.count > 0, "\(name): empty batch")
  precondition(gradient !== predictions && gradient !== targets, "\(name): gradient must be a matrix of its own")
}
