// GRUCell: the gated recurrent unit, as two sgemms per step (input and hidden products).
import Foundation

/// The gated recurrent unit (Cho et al. 2014) in the formulation of
/// PyTorch and cuDNN, where the reset gate multiplies the hidden product
/// after the matrix multiply:
///
///     [r; u; n]ˣ = W_x·x_t + b_x,   [r; u; n]ʰ = W_h·h_{t−1} + b_h      (3H × B each, two sgemms)
///     r = σ(rˣ + rʰ),   u = σ(uˣ + uʰ),   n = tanh(nˣ + r ∘ nʰ)
///     h_t = (1 − u) ∘ n + u ∘ h_{t−1}
///
/// (`u` is the update gate, often written `z`.) Because `r` acts after the
/// product, both products are whole-matrix sgemms. Backward, with `δ = ∂L/∂h_t`:
/// `∂n = δ∘(1−u)`, `∂u = δ∘(h_{t−1} − n)`, `A_n = ∂n∘(1 − n²)`,
/// `A_r = A_n∘nʰ∘r(1−r)`, `A_u = ∂u∘u(1−u)`; then `dW_x += [A_r; A_u; A_n]·xᵀ`,
/// `dW_h += [A_r; A_u; r∘A_n]·h_{t−1}ᵀ`, and
/// `∂h_{t−1} = W_hᵀ·[A_r; A_u; r∘A_n] + δ∘u`, `∂x_t = W_xᵀ·[A_r; A_u; A_n]`.
public final class GRUCell: RecurrentCell {
  public let inputSize: Int
  public let hiddenSize: Int
  public var stateSize: Int { hiddenSize }
  /// `W_x`, `3H × inputSize` row-major, gate blocks reset, update, candidate.
  public let inputWeight: Parameter
  /// `W_h`, `3H × H` row-major, same block order.
  public let hiddenWeight: Parameter
  /// `b_x`, `3H`.
  public let inputBias: Parameter
  /// `b_h`, `3H` (kept apart from `b_x` because `r` scales the candidate's `b_h`).
  public let hiddenBias: Parameter
  public var parameters: [Parameter] { [inputWeight, hiddenWeight, inputBias, hiddenBias] }
  public var name: String { "GRUCell \(inputSize)→\(hiddenSize)" }

  private var batch = 0
  private var inputs: [[Float]] = []  // x_t, I × B
  private var previousHidden: [[Float]] = []  // h_{t−1}, H × B
  private var gates: [[Float]] = []  // x-products, then activated r, u, n; 3H × B
  private var hiddenProducts: [[Float]] = []  // W_h·h_{t−1} + b_h, 3H × B
  private var inputGateGradient: [Float] = []
  private var hiddenGateGradient: [Float] = []
  private var inputGradientScratch: [Float] = []
  private var ones: [Float] = []

  /// A cell with weights uniform in `±1/√H` (PyTorch's default) and zero biases.
  public init(inputSize: Int, hiddenSize: Int, using rng: inout SeededGenerator) {
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    inputWeight = Parameter(
      name: "inputWeight", value: recurrentWeights(count: 3 * hiddenSize * inputSize, hiddenSize: hiddenSize, using: &rng),
      decays: true)
    hiddenWeight = Parameter(
      name: "hiddenWeight", value: recurrentWeights(count: 3 * hiddenSize * hiddenSize, hiddenSize: hiddenSize, using: &rng),
      decays: true)
    inputBias = Parameter(name: "inputBias", value: [Float](repeating: 0, count: 3 * hiddenSize), decays: false)
    hiddenBias = Parameter(name: "hiddenBias", value: [Float](repeating: 0, count: 3 * hiddenSize), decays: false)
  }

  public func prepare(steps: Int, batch: Int) {
    self.batch = batch
    let hb = hiddenSize * batch
    resizeCache(&inputs, steps: steps, count: inputSize * batch)
    resizeCache(&previousHidden, steps: steps, count: hb)
    resizeCache(&gates, steps: steps, count: 3 * hb)
    resizeCache(&hiddenProducts, steps: steps, count: 3 * hb)
    if ones.count != batch { ones = [Float](repeating: 1, count: batch) }
  }

  public func forward(step t: Int, input x: UnsafeBufferPointer<Float>, state: [Float], next: inout [Float]) {
    let (i, h, b) = (inputSize, hiddenSize, batch)
    let hb = h * b
    inputs[t].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: x.baseAddress!, count: i * b) }
    previousHidden[t].withUnsafeMutableBufferPointer { hp in
      state.withUnsafeBufferPointer { hp.baseAddress!.update(from: $0.baseAddress!, count: hb) }
    }
    broadcastBias(inputBias.value, into: &gates[t], batch: b)
    BLAS.gemm(m: 3 * h, n: b, k: i, inputWeight.value, inputs[t], into: &gates[t], beta: 1)
    broadcastBias(hiddenBias.value, into: &hiddenProducts[t], batch: b)
    BLAS.gemm(m: 3 * h, n: b, k: h, hiddenWeight.value, state, into: &hiddenProducts[t], beta: 1)
    gates[t].withUnsafeMutableBufferPointer { a in
      hiddenProducts[t].withUnsafeBufferPointer { p in
        state.withUnsafeBufferPointer { hp in
          next.withUnsafeMutableBufferPointer { GRUGates.forward(a, hiddenProducts: p, previous: hp, next: $0, count: hb) }
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
    if inputGateGradient.count != 3 * hb {
      inputGateGradient = [Float](repeating: 0, count: 3 * hb)
      hiddenGateGradient = [Float](repeating: 0, count: 3 * hb)
    }
    gates[t].withUnsafeBufferPointer { a in
      hiddenProducts[t].withUnsafeBufferPointer { p in
        previousHidden[t].withUnsafeBufferPointer { hp in
          dH.withUnsafeBufferPointer { d in
            inputGateGradient.withUnsafeMutableBufferPointer { gx in
              hiddenGateGradient.withUnsafeMutableBufferPointer { gh in
                dPrevious.withUnsafeMutableBufferPointer { dp in
                  GRUGates.backward(
                    a, candidateHidden: UnsafeBufferPointer(rebasing: p[(2 * hb)...]), previous: hp, stateGradient: d,
                    inputGateGradient: gx, hiddenGateGradient: gh, previousStateGradient: dp, count: hb)
                }
              }
            }
          }
        }
      }
    }
    BLAS.gemm(m: 3 * h, n: i, k: b, inputGateGradient, inputs[t], transposeB: true, into: &inputWeight.gradient, beta: 1)
    BLAS.gemm(
      m: 3 * h, n: h, k: b, hiddenGateGradient, previousHidden[t], transposeB: true, into: &hiddenWeight.gradient, beta: 1)
    BLAS.gemm(m: 3 * h, n: 1, k: b, inputGateGradient, ones, into: &inputBias.gradient, beta: 1)
    BLAS.gemm(m: 3 * h, n: 1, k: b, hiddenGateGradient, ones, into: &hiddenBias.gradient, beta: 1)
    BLAS.gemm(m: h, n: b, k: 3 * h, hiddenWeight.value, transposeA: true, hiddenGateGradient, into: &dPrevious, beta: 1)
    if let dx {
      // ∂x_t = W_xᵀ·A_x, written through an array because the BLAS wrapper takes arrays.
      if inputGradientScratch.count != i * b { inputGradientScratch = [Float](repeating: 0, count: i * b) }
      BLAS.gemm(m: i, n: b, k: 3 * h, inputWeight.value, transposeA: true, inputGateGradient, into: &inputGradientScratch)
      inputGradientScratch.withUnsafeBufferPointer { dx.baseAddress!.update(from: $0.baseAddress!, count: i * b) }
    }
  }
}
