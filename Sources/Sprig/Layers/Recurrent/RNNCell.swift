// RNNCell: the Elman recurrent cell with a tanh, one sgemm per step.
import Foundation

/// The simple (Elman) recurrent cell:
///
///     h_t = tanh(W·[x_t; h_{t−1}] + b)
///
/// with `W` stacked as `hiddenSize × (inputSize + hiddenSize)` (input
/// weights, then recurrent weights), so a step is one sgemm. Backward, with
/// `a = (1 − h_t²) ∘ ∂L/∂h_t`: `dW += a·[x_t; h_{t−1}]ᵀ`, `db += Σ_batch a`,
/// `[∂x_t; ∂h_{t−1}] = Wᵀ·a`.
public final class RNNCell: RecurrentCell {
  public let inputSize: Int
  public let hiddenSize: Int
  public var stateSize: Int { hiddenSize }
  /// `[W_x  W_h]`, `hiddenSize × (inputSize + hiddenSize)` row-major.
  public let weight: Parameter
  /// One bias per hidden unit.
  public let bias: Parameter
  public var parameters: [Parameter] { [weight, bias] }
  public var name: String { "RNNCell \(inputSize)→\(hiddenSize)" }

  private var batch = 0
  private var concatenated: [[Float]] = []  // [x_t; h_{t−1}] per step, (I+H) × B
  private var hidden: [[Float]] = []  // h_t per step, H × B
  private var preactivationGradient: [Float] = []
  private var concatenatedGradient: [Float] = []
  private var ones: [Float] = []

  /// A cell with weights uniform in `±1/√hiddenSize` (PyTorch's default) and zero biases.
  public init(inputSize: Int, hiddenSize: Int, using rng: inout SeededGenerator) {
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    weight = Parameter(
      name: "weight", value: recurrentWeights(count: hiddenSize * (inputSize + hiddenSize), hiddenSize: hiddenSize, using: &rng),
      decays: true)
    bias = Parameter(name: "bias", value: [Float](repeating: 0, count: hiddenSize), decays: false)
  }

  public func prepare(steps: Int, batch: Int) {
    self.batch = batch
    resizeCache(&concatenated, steps: steps, count: (inputSize + hiddenSize) * batch)
    resizeCache(&hidden, steps: steps, count: hiddenSize * batch)
    if ones.count != batch { ones = [Float](repeating: 1, count: batch) }
  }

  public func forward(step t: Int, input x: UnsafeBufferPointer<Float>, state: [Float], next: inout [Float]) {
    let (i, h, b) = (inputSize, hiddenSize, batch)
    concatenated[t].withUnsafeMutableBufferPointer { z in
      z.baseAddress!.update(from: x.baseAddress!, count: i * b)
      state.withUnsafeBufferPointer { (z.baseAddress! + i * b).update(from: $0.baseAddress!, count: h * b) }
    }
    broadcastBias(bias.value, into: &hidden[t], batch: b)
    BLAS.gemm(m: h, n: b, k: i + h, weight.value, concatenated[t], into: &hidden[t], beta: 1)
    hidden[t].withUnsafeMutableBufferPointer { a in
      next.withUnsafeMutableBufferPointer { n in
        for k in 0..<(h * b) {
          a[k] = tanh(a[k])
          n[k] = a[k]
        }
      }
    }
  }

  public func backward(
    step t: Int, stateGradient dH: [Float], inputGradient dx: UnsafeMutableBufferPointer<Float>?,
    previousStateGradient dPrevious: inout [Float]
  ) {
    let (i, h, b) = (inputSize, hiddenSize, batch)
    if preactivationGradient.count != h * b { preactivationGradient = [Float](repeating: 0, count: h * b) }
    if concatenatedGradient.count != (i + h) * b { concatenatedGradient = [Float](repeating: 0, count: (i + h) * b) }
    hidden[t].withUnsafeBufferPointer { y in
      dH.withUnsafeBufferPointer { d in
        preactivationGradient.withUnsafeMutableBufferPointer { a in
          for k in 0..<(h * b) { a[k] = d[k] * (1 - y[k] * y[k]) }
        }
      }
    }
    BLAS.gemm(m: h, n: i + h, k: b, preactivationGradient, concatenated[t], transposeB: true, into: &weight.gradient, beta: 1)
    BLAS.gemm(m: h, n: 1, k: b, preactivationGradient, ones, into: &bias.gradient, beta: 1)
    BLAS.gemm(m: i + h, n: b, k: h, weight.value, transposeA: true, preactivationGradient, into: &concatenatedGradient)
    splitConcatenatedGradient(concatenatedGradient, inputCount: i * b, into: dx, hidden: &dPrevious)
  }
}

/// Splits `∂[x; h]` into `∂x` (the first `inputCount` floats, copied to
/// `dx` when given) and `∂h` (the rest, copied to the front of `dHidden`).
func splitConcatenatedGradient(
  _ dz: [Float], inputCount: Int, into dx: UnsafeMutableBufferPointer<Float>?, hidden dHidden: inout [Float]
) {
  dz.withUnsafeBufferPointer { g in
    if let dx { dx.baseAddress!.update(from: g.baseAddress!, count: inputCount) }
    dHidden.withUnsafeMutableBufferPointer {
      $0.baseAddress!.update(from: g.baseAddress! + inputCount, count: g.count - inputCount)
    }
  }
}
