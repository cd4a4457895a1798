// SparseLSTMCell: the LSTM cell with its gate matrix sparse (CSR), one SpMM per step and one SDDMM per sequence.
import Foundation

/// The LSTM cell of ``LSTMCell`` with the gate matrix `W`
/// (`4H × (inputSize + H)`, on `[x_t; h_{t−1}]`) sparse:
///
///     [i; f; o; g] = W·[x_t; h_{t−1}] + b          (4H × B, one SpMM)
///
/// and the same gates, state `[h; c]` and forget bias.
///
/// **The gates do not share a pattern.** Each of the `4H` rows (a unit of
/// one gate) has its own connections over `[x; h]`. SET prunes by the
/// magnitude of each connection: had the four gates of a unit one pattern
/// between them, a connection could only be pruned or regrown for all four
/// at once, so the input, forget, output and candidate weights on it would
/// live and die together whatever their own sizes.
///
/// **Backward.** Per step, the elementwise backward of ``LSTMCell`` gives
/// the pre-activation gradient `A_t` (`4H × B`), `[∂x_t; ∂h_{t−1}] = Wᵀ·A_t`
/// by the SpMM over Wᵀ, and `db += Σ A_t`. Every `A_t` and `z_t` is kept
/// side by side, and step 0's backward writes `dW = Σ_t (A_t·z_tᵀ) ∘ pattern`
/// with one SDDMM over the sequence (see ``SparseRecurrentCell``).
public final class SparseLSTMCell: SparseRecurrentCell {
  public let inputSize: Int
  public let hiddenSize: Int
  public var stateSize: Int { 2 * hiddenSize }
  /// `W` and `b`: rows `[0, H)` input gate, `[H, 2H)` forget gate,
  /// `[2H, 3H)` output gate, `[3H, 4H)` candidate; columns `x`, then `h`.
  public let gates: SparseLinear
  public var parameters: [Parameter] { gates.parameters }
  public var sparseLayers: [SparseLinear] { [gates] }
  public var name: String { "SparseLSTMCell \(inputSize)→\(hiddenSize)" }

  private var batch = 0
  private let z = Matrix(rows: 0, columns: 0)  // [x_t; h_{t−1}] of the step being run, (I+H) × B
  private let inputs = StepColumns()  // every z_t, (I+H) × T·B, for the SDDMM
  private let gateGradients = StepColumns()  // every A_t, 4H × T·B, for the SDDMM
  private var activated: [Matrix] = []  // W·z_t + b, then the activated i, f, o, g; 4H × B per step
  private var previousCell: [[Float]] = []  // c_{t−1}, H × B
  private var cellTanh: [[Float]] = []  // tanh(c_t), H × B
  private let gateGradient = Matrix(rows: 0, columns: 0)  // A_t, 4H × B
  private let concatenatedGradient = Matrix(rows: 0, columns: 0)  // Wᵀ·A_t, (I+H) × B

  /// A cell over `gates` (`4H × (inputSize + H)`).
  public init(inputSize: Int, gates: SparseLinear) {
    precondition(gates.outputSize % 4 == 0, "SparseLSTMCell: \(gates.outputSize) gate rows is not 4H")
    self.inputSize = inputSize
    self.hiddenSize = gates.outputSize / 4
    precondition(
      hiddenSize > 0 && gates.inputSize == inputSize + hiddenSize,
      "SparseLSTMCell: gates of \(gates.outputSize)×\(gates.inputSize) for \(inputSize) inputs (needs 4H × (inputs + H))")
    self.gates = gates
  }

  /// A cell with gates on `pattern` (`4H × (inputSize + H)`), the given
  /// weights in CSR order and `4H` biases.
  public convenience init(inputSize: Int, pattern: SparsityPattern, weights: [Float], bias: [Float]) throws {
    self.init(inputSize: inputSize, gates: try SparseLinear(pattern: pattern, weights: weights, bias: bias))
  }

  /// A cell with gates on `pattern`, weights drawn by `initialization` for
  /// each row's actual fan-in (Glorot's for the sigmoid and tanh gates by
  /// default), zero biases except the forget gate's, which start at
  /// `forgetBias` (see ``LSTMCell``).
  public convenience init(
    inputSize: Int, pattern: SparsityPattern, initialization: WeightInitialization = .glorotUniform,
    forgetBias: Float = 1, using rng: inout SeededGenerator
  ) {
    self.init(inputSize: inputSize, gates: SparseLinear(pattern: pattern, initialization: initialization, using: &rng))
    for k in hiddenSize..<(2 * hiddenSize) { gates.bias.value[k] = forgetBias }
  }

  /// A cell whose `4H` gate rows each draw their connections over
  /// `[x; h]` Erdős–Rényi at SET's `epsilon` (see ``ErdosRenyiTopology``).
  public convenience init(
    inputSize: Int, hiddenSize: Int, epsilon: Double, initialization: WeightInitialization = .glorotUniform,
    forgetBias: Float = 1, using rng: inout SeededGenerator
  ) {
    let pattern = ErdosRenyiTopology.pattern(
      inputSize: inputSize + hiddenSize, outputSize: 4 * hiddenSize, epsilon: epsilon, using: &rng)
    self.init(inputSize: inputSize, pattern: pattern, initialization: initialization, forgetBias: forgetBias, using: &rng)
  }

  public func prepare(steps: Int, batch: Int) {
    self.batch = batch
    let (i, h) = (inputSize, hiddenSize)
    z.reshape(rows: i + h, columns: batch)
    inputs.prepare(rows: i + h, steps: steps, batch: batch)
    gateGradients.prepare(rows: 4 * h, steps: steps, batch: batch)
    if activated.count != steps { activated = (0..<steps).map { _ in Matrix(rows: 0, columns: 0) } }
    resizeCache(&previousCell, steps: steps, count: h * batch)
    resizeCache(&cellTanh, steps: steps, count: h * batch)
  }

  public func forward(step t: Int, input x: UnsafeBufferPointer<Float>, state: [Float], next: inout [Float]) {
    let (i, h, b) = (inputSize, hiddenSize, batch)
    let hb = h * b
    z.elements.withUnsafeMutableBufferPointer { zp in
      zp.baseAddress!.update(from: x.baseAddress!, count: i * b)
      state.withUnsafeBufferPointer { (zp.baseAddress! + i * b).update(from: $0.baseAddress!, count: hb) }
    }
    inputs.store(z, step: t)
    gates.multiply(z, into: activated[t])
    activated[t].elements.withUnsafeMutableBufferPointer { a in
      previousCell[t].withUnsafeMutableBufferPointer { cPrevious in
        cellTanh[t].withUnsafeMutableBufferPointer { cTanh in
          state.withUnsafeBufferPointer { s in
            next.withUnsafeMutableBufferPointer { n in
              LSTMGates.forward(a, state: s, previousCell: cPrevious, cellTanh: cTanh, next: n, count: hb)
            }
          }
        }
      }
    }
  }

  public func backward(
    step t: Int, stateGradient dS: [Float], inputGradient dx: UnsafeMutableBufferPointer<Float>?,
    previousStateGradient dPrevious: inout [Float]
  ) {
    let (i, h, b) = (inputSize, hiddenSize, batch)
    let hb = h * b
    gateGradient.reshape(rows: 4 * h, columns: b)
    activated[t].elements.withUnsafeBufferPointer { a in
      previousCell[t].withUnsafeBufferPointer { cPrevious in
        cellTanh[t].withUnsafeBufferPointer { cTanh in
          dS.withUnsafeBufferPointer { d in
            gateGradient.elements.withUnsafeMutableBufferPointer { dA in
              dPrevious.withUnsafeMutableBufferPointer { dp in
                LSTMGates.backward(
                  a, previousCell: cPrevious, cellTanh: cTanh, stateGradient: d, gateGradient: dA,
                  previousStateGradient: dp, count: hb)
              }
            }
          }
        }
      }
    }
    gateGradients.store(gateGradient, step: t)
    addRowSums(of: gateGradient, to: &gates.bias.gradient)
    gates.multiplyTransposed(gateGradient, into: concatenatedGradient)  // [∂x_t; ∂h_{t−1}] = Wᵀ·A_t
    concatenatedGradient.elements.withUnsafeBufferPointer { g in
      if let dx { dx.baseAddress!.update(from: g.baseAddress!, count: i * b) }
      dPrevious.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: g.baseAddress! + i * b, count: hb) }
    }
    if t == 0 {  // the last backward of the sequence: dW over every step at once
      gates.writeWeightGradient(outputGradient: gateGradients.matrix, input: inputs.matrix)
    }
  }
}
