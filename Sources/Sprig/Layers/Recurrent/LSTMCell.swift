// LSTMCell: the long short-term memory cell, its four gate products as one sgemm per step.
import Foundation

/// The LSTM cell (Hochreiter & Schmidhuber 1997, with the forget gate of
/// Gers et al. 2000), in the usual formulation:
///
///     [i; f; o; g] = W·[x_t; h_{t−1}] + b          (4H × B, one sgemm)
///     i, f, o = σ(·),  g = tanh(·)
///     c_t = f ∘ c_{t−1} + i ∘ g
///     h_t = o ∘ tanh(c_t)
///
/// The state carried between steps is `[h_t; c_t]` (`2H × B`). `W` is
/// `4H × (inputSize + H)`, gate blocks in the order input, forget, output,
/// candidate; the forget gate's bias starts at 1 so that early training
/// remembers (Jozefowicz et al. 2015).
///
/// Backward, with `δc = ∂L/∂c_t + ∂L/∂h_t ∘ o ∘ (1 − tanh²c_t)`:
/// `∂o = ∂h ∘ tanh c_t`, `∂i = δc ∘ g`, `∂g = δc ∘ i`, `∂f = δc ∘ c_{t−1}`,
/// `∂c_{t−1} = δc ∘ f`; through the nonlinearities to the pre-activations
/// `A`, then `dW += A·[x; h]ᵀ`, `db += Σ A`, `[∂x_t; ∂h_{t−1}] = Wᵀ·A`.
public final class LSTMCell: RecurrentCell {
  public let inputSize: Int
  public let hiddenSize: Int
  public var stateSize: Int { 2 * hiddenSize }
  /// `4H × (inputSize + H)` row-major: rows `[0, H)` input gate, `[H, 2H)`
  /// forget gate, `[2H, 3H)` output gate, `[3H, 4H)` candidate.
  public let weight: Parameter
  /// `4H` biases in the same gate order.
  public let bias: Parameter
  public var parameters: [Parameter] { [weight, bias] }
  public var name: String { "LSTMCell \(inputSize)→\(hiddenSize)" }

  private var batch = 0
  private var concatenated: [[Float]] = []  // [x_t; h_{t−1}], (I+H) × B
  private var gates: [[Float]] = []  // activated i, f, o, g, 4H × B
  private var previousCell: [[Float]] = []  // c_{t−1}, H × B
  private var cellTanh: [[Float]] = []  // tanh(c_t), H × B
  private var gateGradient: [Float] = []
  private var concatenatedGradient: [Float] = []
  private var ones: [Float] = []

  /// A cell with weights uniform in `±1/√H` (PyTorch's default), zero
  /// biases except the forget gate's, which start at `forgetBias`.
  public init(inputSize: Int, hiddenSize: Int, forgetBias: Float = 1, using rng: inout SeededGenerator) {
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    weight = Parameter(
      name: "weight",
      value: recurrentWeights(count: 4 * hiddenSize * (inputSize + hiddenSize), hiddenSize: hiddenSize, using: &rng),
      decays: true)
    var b = [Float](repeating: 0, count: 4 * hiddenSize)
    for k in hiddenSize..<(2 * hiddenSize) { b[k] = forgetBias }
    bias = Parameter(name: "bias", value: b, decays: false)
  }

  public func prepare(steps: Int, batch: Int) {
    self.batch = batch
    let hb = hiddenSize * batch
    resizeCache(&concatenated, steps: steps, count: (inputSize + hiddenSize) * batch)
    resizeCache(&gates, steps: steps, count: 4 * hb)
    resizeCache(&previousCell, steps: steps, count: hb)
    resizeCache(&cellTanh, steps: steps, count: hb)
    if ones.count != batch { ones = [Float](repeating: 1, count: batch) }
  }

  public func forward(step t: Int, input x: UnsafeBufferPointer<Float>, state: [Float], next: inout [Float]) {
    let (i, h, b) = (inputSize, hiddenSize, batch)
    let hb = h * b
    concatenated[t].withUnsafeMutableBufferPointer { z in
      z.baseAddress!.update(from: x.baseAddress!, count: i * b)
      state.withUnsafeBufferPointer { (z.baseAddress! + i * b).update(from: $0.baseAddress!, count: hb) }
    }
    broadcastBias(bias.value, into: &gates[t], batch: b)
    BLAS.gemm(m: 4 * h, n: b, k: i + h, weight.value, concatenated[t], into: &gates[t], beta: 1)
    gates[t].withUnsafeMutableBufferPointer { a in
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
    if gateGradient.count != 4 * hb { gateGradient = [Float](repeating: 0, count: 4 * hb) }
    if concatenatedGradient.count != (i + h) * b { concatenatedGradient = [Float](repeating: 0, count: (i + h) * b) }
    gates[t].withUnsafeBufferPointer { a in
      previousCell[t].withUnsafeBufferPointer { cPrevious in
        cellTanh[t].withUnsafeBufferPointer { cTanh in
          dS.withUnsafeBufferPointer { d in
            gateGradient.withUnsafeMutableBufferPointer { dA in
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
    BLAS.gemm(m: 4 * h, n: i + h, k: b, gateGradient, concatenated[t], transposeB: true, into: &weight.gradient, beta: 1)
    BLAS.gemm(m: 4 * h, n: 1, k: b, gateGradient, ones, into: &bias.gradient, beta: 1)
    BLAS.gemm(m: i + h, n: b, k: 4 * h, weight.value, transposeA: true, gateGradient, into: &concatenatedGradient)
    // ∂x_t and ∂h_{t−1}; the latter fills the first H rows of ∂s_{t−1}, before ∂c_{t−1}.
    concatenatedGradient.withUnsafeBufferPointer { g in
      if let dx { dx.baseAddress!.update(from: g.baseAddress!, count: i * b) }
      dPrevious.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: g.baseAddress! + i * b, count: hb) }
    }
  }
}
