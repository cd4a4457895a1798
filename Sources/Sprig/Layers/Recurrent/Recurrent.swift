// Recurrent: runs a cell over a whole sequence, with backpropagation through time.

/// Runs a ``RecurrentCell`` over a sequence of `steps` inputs and
/// backpropagates through time (BPTT), keeping one cache per step.
///
/// **Layout.** A batch of sequences is a feature-major ``Matrix`` of
/// `steps·inputSize × B`, step-major: rows `[t·I, (t+1)·I)` are step `t`.
/// So an MNIST image read row by row is just the 784-feature image with
/// `inputSize` 28 and 28 steps, and the slice for a step is contiguous. The
/// output is the last hidden state `h_T` (`hiddenSize × B`) or, with
/// `returnsSequence`, every `h_t` in the same step-major layout
/// (`steps·hiddenSize × B`), which another `Recurrent` can take as input.
///
/// **Initial state.** `s_0` is zero, or with `learnsInitialState` a
/// trainable ``Parameter`` of `stateSize` values shared by every sample
/// (its gradient is `∂L/∂s_0` summed over the batch).
///
/// Backward overwrites the gradients of the cell's parameters with their
/// sum over all steps and samples. Clip them with
/// ``clipGradientNorm(_:maxNorm:)`` or a ``GradientClippingOptimizer`` when
/// long sequences make them explode.
public final class Recurrent: Layer {
  /// The cell run at every step.
  public let cell: RecurrentCell
  /// The sequence length `T`.
  public let steps: Int
  /// Whether the output is every hidden state (`true`) or only the last.
  public let returnsSequence: Bool
  /// `s_0` (`stateSize` values, broadcast over the batch), or `nil` for a zero start.
  public let initialState: Parameter?
  public var needsInputGradient = true

  private var states: [[Float]] = []  // s_0 … s_T, each stateSize × B
  private var stateGradient: [Float] = []
  private var previousStateGradient: [Float] = []
  private var trainedBatch: Int?
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)

  public var inputSize: Int { steps * cell.inputSize }
  public var outputSize: Int { (returnsSequence ? steps : 1) * cell.hiddenSize }
  public var parameters: [Parameter] { cell.parameters + (initialState.map { [$0] } ?? []) }
  public var name: String { "Recurrent(\(cell.name), \(steps) steps\(returnsSequence ? ", sequence" : ""))" }

  /// An unroller of `cell` over `steps` steps.
  ///
  /// - Parameters:
  ///   - cell: the step to repeat.
  ///   - steps: the sequence length; inputs have `steps · cell.inputSize` features.
  ///   - returnsSequence: output every hidden state instead of the last one.
  ///   - learnsInitialState: make `s_0` a trainable parameter (starting at zero).
  public init(cell: RecurrentCell, steps: Int, returnsSequence: Bool = false, learnsInitialState: Bool = false) {
    precondition(steps > 0, "Recurrent: steps must be positive")
    self.cell = cell
    self.steps = steps
    self.returnsSequence = returnsSequence
    self.initialState =
      learnsInitialState ? Parameter(name: "initialState", value: [Float](repeating: 0, count: cell.stateSize), decays: false) : nil
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features, expected \(inputSize)")
    let b = x.columns
    let (i, h, s) = (cell.inputSize, cell.hiddenSize, cell.stateSize)
    // Training keeps every state and cache for BPTT; inference needs only two states and one cache slot.
    let slots = training ? steps : 1
    cell.prepare(steps: slots, batch: b)
    resizeCache(&states, steps: slots + 1, count: s * b)
    if let initialState {
      broadcastBias(initialState.value, into: &states[0], batch: b)
    } else {
      states[0].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
    output.reshape(rows: outputSize, columns: b)
    x.elements.withUnsafeBufferPointer { px in
      for t in 0..<steps {
        let xt = UnsafeBufferPointer(rebasing: px[(t * i * b)..<((t + 1) * i * b)])
        let slot = training ? t : 0
        cell.forward(step: slot, input: xt, state: states[slot], next: &states[slot + 1])
        if returnsSequence || t == steps - 1 {
          let row = returnsSequence ? t : 0
          states[slot + 1].withUnsafeBufferPointer { st in
            output.elements.withUnsafeMutableBufferPointer {
              ($0.baseAddress! + row * h * b).update(from: st.baseAddress!, count: h * b)
            }
          }
        }
        if !training { states.swapAt(0, 1) }
      }
    }
    trainedBatch = training ? b : nil
    return output
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard let b = trainedBatch else { preconditionFailure("\(name): backward without a training forward") }
    precondition(dY.rows == outputSize && dY.columns == b, "\(name): output gradient is \(dY.rows)×\(dY.columns)")
    trainedBatch = nil
    let (i, h, s) = (cell.inputSize, cell.hiddenSize, cell.stateSize)
    for p in cell.parameters { p.gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    if stateGradient.count != s * b {
      stateGradient = [Float](repeating: 0, count: s * b)
      previousStateGradient = stateGradient
    }
    stateGradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    if needsInputGradient { inputGradient.reshape(rows: inputSize, columns: b) }
    dY.elements.withUnsafeBufferPointer { dy in
      inputGradient.elements.withUnsafeMutableBufferPointer { dx in
        for t in stride(from: steps - 1, through: 0, by: -1) {
          // ∂L/∂h_t from the output joins what flowed back from step t+1.
          if returnsSequence || t == steps - 1 {
            let row = returnsSequence ? t : 0
            stateGradient.withUnsafeMutableBufferPointer { g in
              for k in 0..<(h * b) { g[k] += dy[row * h * b + k] }
            }
          }
          let dxt = needsInputGradient ? UnsafeMutableBufferPointer(rebasing: dx[(t * i * b)..<((t + 1) * i * b)]) : nil
          cell.backward(step: t, stateGradient: stateGradient, inputGradient: dxt, previousStateGradient: &previousStateGradient)
          swap(&stateGradient, &previousStateGradient)
        }
      }
    }
    if let initialState {  // ∂L/∂s_0, summed over the batch
      stateGradient.withUnsafeBufferPointer { g in
        for r in 0..<s {
          var sum: Float = 0
          for j in 0..<b { sum += g[r * b + j] }
          initialState.gradient[r] = sum
        }
      }
    }
    guard needsInputGradient else {
      inputGradient.reshape(rows: 0, columns: 0)
      return inputGradient
    }
    return inputGradient
  }
}
