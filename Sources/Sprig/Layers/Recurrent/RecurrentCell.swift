// RecurrentCell: one time step of a recurrent network, with a cache per step for backpropagation through time.

/// One step of a recurrent network, `s_t = cell(x_t, s_{t−1})`, run over a
/// sequence by ``Recurrent``.
///
/// Shapes are feature-major like every Sprig activation: `x_t` is
/// `inputSize × B` and the state `s_t` is `stateSize × B`, row-major, with
/// the hidden state `h_t` always in its first `hiddenSize` rows (an LSTM's
/// state is `[h; c]`, an RNN's and a GRU's just `h`).
///
/// A cell keeps one cache per time step (what its backward needs), so
/// ``Recurrent`` can run the steps backwards in any order after a whole
/// forward sequence. `backward` **adds** to the parameter gradients (the
/// unroller zeroes them once per sequence), since a weight is used at every
/// step.
public protocol RecurrentCell: AnyObject {
  /// A short name for messages ("LSTMCell 28→128").
  var name: String { get }
  /// Features of `x_t`.
  var inputSize: Int { get }
  /// Units of the hidden state `h_t`.
  var hiddenSize: Int { get }
  /// Rows of the state carried between steps (`hiddenSize`, or `2·hiddenSize` for an LSTM).
  var stateSize: Int { get }
  /// The trainable weights and biases.
  var parameters: [Parameter] { get }

  /// Sizes the per-step caches for `steps` steps of `batch` samples
  /// (allocating only when either changes).
  func prepare(steps: Int, batch: Int)

  /// Runs step `step`: writes `s_t` into `next` from `x_t` (`input`) and
  /// `s_{t−1}` (`state`), keeping in cache slot `step` what backward needs.
  func forward(
    step: Int, input: UnsafeBufferPointer<Float>, state: [Float], next: inout [Float])

  /// The backward of step `step`, given `∂L/∂s_t` (`stateGradient`, the
  /// total over the output and later steps): adds the step's parameter
  /// gradients, writes `∂L/∂x_t` into `inputGradient` (when not nil) and
  /// `∂L/∂s_{t−1}` into `previousStateGradient`.
  func backward(
    step: Int, stateGradient: [Float], inputGradient: UnsafeMutableBufferPointer<Float>?,
    previousStateGradient: inout [Float])
}

extension RecurrentCell {
  /// The number of trainable values.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}

/// Per-step cache storage: `steps` arrays of `count` floats, reallocated
/// only when the shape changes.
func resizeCache(_ cache: inout [[Float]], steps: Int, count: Int) {
  if cache.count != steps || cache.first?.count != count {
    cache = (0..<steps).map { _ in [Float](repeating: 0, count: count) }
  }
}

/// Fills each row `r` of a `rows × batch` array with `bias[r]`: the start of `A = b + W·z`.
func broadcastBias(_ bias: [Float], into a: inout [Float], batch: Int) {
  a.withUnsafeMutableBufferPointer { p in
    for r in 0..<bias.count { p[(r * batch)..<((r + 1) * batch)].update(repeating: bias[r]) }
  }
}

/// Weights for a recurrent cell as PyTorch draws them: uniform in `±1/√hiddenSize`.
func recurrentWeights(count: Int, hiddenSize: Int, using rng: inout SeededGenerator) -> [Float] {
  let bound = 1 / Float(hiddenSize).squareRoot()
  return (0..<count).map { _ in (2 * rng.nextUnitFloat() - 1) * bound }
}
