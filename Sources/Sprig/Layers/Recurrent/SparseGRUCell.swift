// SparseGRUCell: the GRU with its input and hidden matrices sparse (CSR), two SpMMs per step and two SDDMMs per sequence.
import Foundation

/// The gated recurrent unit of ``GRUCell`` (PyTorch's formulation, the
/// reset gate scaling the candidate's hidden product) with both matrices
/// sparse:
///
///     [r; u; n]ˣ = W_x·x_t + b_x,   [r; u; n]ʰ = W_h·h_{t−1} + b_h      (3H × B each, two SpMMs)
///     r = σ(rˣ + rʰ),   u = σ(uˣ + uʰ),   n = tanh(nˣ + r ∘ nʰ)
///     h_t = (1 − u) ∘ n + u ∘ h_{t−1}
///
/// Every row (a unit of one gate) has its own connections, as in
/// ``SparseLSTMCell``: SET prunes connection by connection, and a pattern
/// shared by the gates would make their weights die together.
///
/// **Backward.** Per step, ``GRUCell``'s elementwise backward gives
/// `A_x = [A_r; A_u; A_n]` and `A_h = [A_r; A_u; r∘A_n]`; then
/// `∂h_{t−1} = W_hᵀ·A_h + δ∘u` and `∂x_t = W_xᵀ·A_x` by SpMMs over the
/// transposes, and the biases add `Σ A_x`, `Σ A_h`. Step 0's backward writes
/// `dW_x = Σ_t A_x·x_tᵀ` and `dW_h = Σ_t A_h·h_{t−1}ᵀ` on their patterns,
/// one SDDMM each over the whole sequence (see ``SparseRecurrentCell``).
public final class SparseGRUCell: SparseRecurrentCell {
  public let inputSize: Int
  public let hiddenSize: Int
  public var stateSize: Int { hiddenSize }
  /// `W_x` (`3H × inputSize`) and `b_x`, gate blocks reset, update, candidate.
  public let inputGates: SparseLinear
  /// `W_h` (`3H × H`) and `b_h`, same blocks (`b_h` apart from `b_x` because `r` scales the candidate's).
  public let hiddenGates: SparseLinear
  public var parameters: [Parameter] { inputGates.parameters + hiddenGates.parameters }
  public var sparseLayers: [SparseLinear] { [inputGates, hiddenGates] }
  public var name: String { "SparseGRUCell \(inputSize)→\(hiddenSize)" }

  private var batch = 0
  private let x = Matrix(rows: 0, columns: 0)  // x_t, I × B
  private let previous = Matrix(rows: 0, columns: 0)  // h_{t−1}, H × B
  private let hiddenProduct = Matrix(rows: 0, columns: 0)  // W_h·h_{t−1} + b_h, 3H × B
  private let inputs = StepColumns()  // every x_t, I × T·B
  private let previousHidden = StepColumns()  // every h_{t−1}, H × T·B
  private let inputGateGradients = StepColumns()  // every A_x, 3H × T·B
  private let hiddenGateGradients = StepColumns()  // every A_h, 3H × T·B
  private var activated: [Matrix] = []  // W_x·x_t + b_x, then the activated r, u, n; 3H × B per step
  private var candidateHidden: [[Float]] = []  // nʰ per step, H × B
  private let inputGateGradient = Matrix(rows: 0, columns: 0)  // A_x, 3H × B
  private let hiddenGateGradient = Matrix(rows: 0, columns: 0)  // A_h, 3H × B
  private let hiddenGradient = Matrix(rows: 0, columns: 0)  // W_hᵀ·A_h, H × B
  private let inputGradient = Matrix(rows: 0, columns: 0)  // W_xᵀ·A_x, I × B

  /// A cell over `inputGates` (`3H × inputSize`) and `hiddenGates` (`3H × H`).
  public init(inputGates: SparseLinear, hiddenGates: SparseLinear) {
    let h = hiddenGates.inputSize
    precondition(
      h > 0 && hiddenGates.outputSize == 3 * h && inputGates.outputSize == 3 * h,
      "SparseGRUCell: matrices of \(inputGates.outputSize)×\(inputGates.inputSize) and \(hiddenGates.outputSize)×\(h) (needs 3H × inputs and 3H × H)")
    self.inputSize = inputGates.inputSize
    self.hiddenSize = h
    self.inputGates = inputGates
    self.hiddenGates = hiddenGates
  }

  /// A cell on the given patterns (`3H × inputSize`, `3H × H`), weights in
  /// CSR order and `3H` biases each.
  public convenience init(
    inputPattern: SparsityPattern, inputWeights: [Float], inputBias: [Float],
    hiddenPattern: SparsityPattern, hiddenWeights: [Float], hiddenBias: [Float]
  ) throws {
    self.init(
      inputGates: try SparseLinear(pattern: inputPattern, weights: inputWeights, bias: inputBias),
      hiddenGates: try SparseLinear(pattern: hiddenPattern, weights: hiddenWeights, bias: hiddenBias))
  }

  /// A cell on the given patterns, weights drawn by `initialization` for
  /// each row's actual fan-in (Glorot's for the sigmoid and tanh gates by
  /// default), zero biases.
  public convenience init(
    inputPattern: SparsityPattern, hiddenPattern: SparsityPattern, initialization: WeightInitialization = .glorotUniform,
    using rng: inout SeededGenerator
  ) {
    self.init(
      inputGates: SparseLinear(pattern: inputPattern, initialization: initialization, using: &rng),
      hiddenGates: SparseLinear(pattern: hiddenPattern, initialization: initialization, using: &rng))
  }

  /// A cell whose matrices each draw their connections Erdős–Rényi at SET's
  /// `epsilon` (see ``ErdosRenyiTopology``).
  public convenience init(
    inputSize: Int, hiddenSize: Int, epsilon: Double, initialization: WeightInitialization = .glorotUniform,
    using rng: inout SeededGenerator
  ) {
    let inputPattern = ErdosRenyiTopology.pattern(
      inputSize: inputSize, outputSize: 3 * hiddenSize, epsilon: epsilon, using: &rng)
    let hiddenPattern = ErdosRenyiTopology.pattern(
      inputSize: hiddenSize, outputSize: 3 * hiddenSize, epsilon: epsilon, using: &rng)
    self.init(inputPattern: inputPattern, hiddenPattern: hiddenPattern, initialization: initialization, using: &rng)
  }

  public func prepare(steps: Int, batch: Int) {
    self.batch = batch
    let (i, h) = (inputSize, hiddenSize)
    x.reshape(rows: i, columns: batch)
    previous.reshape(rows: h, columns: batch)
    inputs.prepare(rows: i, steps: steps, batch: batch)
    previousHidden.prepare(rows: h, steps: steps, batch: batch)
    inputGateGradients.prepare(rows: 3 * h, steps: steps, batch: batch)
    hiddenGateGradients.prepare(rows: 3 * h, steps: steps, batch: batch)
    if activated.count != steps { activated = (0..<steps).map { _ in Matrix(rows: 0, columns: 0) } }
    resizeCache(&candidateHidden, steps: steps, count: h * batch)
  }

  public func forward(step t: Int, input xt: UnsafeBufferPointer<Float>, state: [Float], next: inout [Float]) {
    let (i, h, b) = (inputSize, hiddenSize, batch)
    let hb = h * b
    x.elements.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: xt.baseAddress!, count: i * b) }
    previous.elements.withUnsafeMutableBufferPointer { hp in
      state.withUnsafeBufferPointer { hp.baseAddress!.update(from: $0.baseAddress!, count: hb) }
    }
    inputs.store(x, step: t)
    previousHidden.store(previous, step: t)
    inputGates.multiply(x, into: activated[t])
    hiddenGates.multiply(previous, into: hiddenProduct)
    hiddenProduct.elements.withUnsafeBufferPointer { ph in
      candidateHidden[t].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: ph.baseAddress! + 2 * hb, count: hb) }
      activated[t].elements.withUnsafeMutableBufferPointer { a in
        state.withUnsafeBufferPointer { hp in
          next.withUnsafeMutableBufferPointer { GRUGates.forward(a, hiddenProducts: ph, previous: hp, next: $0, count: hb) }
        }
      }
    }
  }

  public func backward(
    step t: Int, stateGradient dH: [Float], inputGradient dx: UnsafeMutableBufferPointer<Float>?,
    previousStateGradient dPrevious: inout [Float]
  ) {
    let (i, h, b) = (inputSize, hiddenSize, batch)
    let hb = h * b
    previousHidden.load(step: t, into: previous)
    inputGateGradient.reshape(rows: 3 * h, columns: b)
    hiddenGateGradient.reshape(rows: 3 * h, columns: b)
    activated[t].elements.withUnsafeBufferPointer { a in
      candidateHidden[t].withUnsafeBufferPointer { nh in
        previous.elements.withUnsafeBufferPointer { hp in
          dH.withUnsafeBufferPointer { d in
            inputGateGradient.elements.withUnsafeMutableBufferPointer { gx in
              hiddenGateGradient.elements.withUnsafeMutableBufferPointer { gh in
                dPrevious.withUnsafeMutableBufferPointer { dp in
                  GRUGates.backward(
                    a, candidateHidden: nh, previous: hp, stateGradient: d, inputGateGradient: gx,
                    hiddenGateGradient: gh, previousStateGradient: dp, count: hb)
                }
              }
            }
          }
        }
      }
    }
    inputGateGradients.store(inputGateGradient, step: t)
    hiddenGateGradients.store(hiddenGateGradient, step: t)
    addRowSums(of: inputGateGradient, to: &inputGates.bias.gradient)
    addRowSums(of: hiddenGateGradient, to: &hiddenGates.bias.gradient)
    hiddenGates.multiplyTransposed(hiddenGateGradient, into: hiddenGradient)
    hiddenGradient.elements.withUnsafeBufferPointer { g in
      dPrevious.withUnsafeMutableBufferPointer { dp in for k in 0..<hb { dp[k] += g[k] } }
    }
    if let dx {
      inputGates.multiplyTransposed(inputGateGradient, into: inputGradient)  // ∂x_t = W_xᵀ·A_x
      inputGradient.elements.withUnsafeBufferPointer { dx.baseAddress!.update(from: $0.baseAddress!, count: i * b) }
    }
    if t == 0 {  // the last backward of the sequence: dW_x and dW_h over every step at once
      inputGates.writeWeightGradient(outputGradient: inputGateGradients.matrix, input: inputs.matrix)
      hiddenGates.writeWeightGradient(outputGradient: hiddenGateGradients.matrix, input: previousHidden.matrix)
    }
  }
}
