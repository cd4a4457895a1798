// GateArithmetic: the elementwise part of an LSTM and a GRU step, shared by
// the dense cells (gate products by sgemm) and the sparse ones (by SpMM).
import Foundation
import SprigKernels

/// The LSTM's elementwise step over `n = H·B` units (see ``LSTMCell``).
enum LSTMGates {
  /// On entry `a` holds the pre-activations `[i; f; o; g]` (`4n`), on
  /// return the activated gates; writes `c_{t−1}`, `tanh c_t` and the next
  /// state `[h_t; c_t]` from the state `[h_{t−1}; c_{t−1}]`.
  static func forward(
    _ a: UnsafeMutableBufferPointer<Float>, state s: UnsafeBufferPointer<Float>,
    previousCell: UnsafeMutableBufferPointer<Float>, cellTanh: UnsafeMutableBufferPointer<Float>,
    next: UnsafeMutableBufferPointer<Float>, count n: Int
  ) {
    // In C (Gates.c): vectorized logistic and tanh. With scalar libm calls
    // here, an epoch of `sprig example lstm` (MNIST rows, 2 threads) took
    // 23.4 s; with these, 7.8–8.2 s (PyTorch 2.15: 7.9 s).
    sprig_lstm_gates_forward(
      a.baseAddress, s.baseAddress, previousCell.baseAddress, cellTanh.baseAddress, next.baseAddress, Int64(n))
  }

  /// From `∂L/∂[h_t; c_t]` (`d`) and the forward's caches: the
  /// pre-activation gradient `A` (`dA`, `4n`) and `∂c_{t−1}` into the
  /// second half of `previous` (its first half, `∂h_{t−1}`, is `Wᵀ·A`).
  static func backward(
    _ a: UnsafeBufferPointer<Float>, previousCell: UnsafeBufferPointer<Float>, cellTanh: UnsafeBufferPointer<Float>,
    stateGradient d: UnsafeBufferPointer<Float>, gateGradient dA: UnsafeMutableBufferPointer<Float>,
    previousStateGradient previous: UnsafeMutableBufferPointer<Float>, count n: Int
  ) {
    for k in 0..<n {
      let (inputGate, forget, outputGate, candidate) = (a[k], a[n + k], a[2 * n + k], a[3 * n + k])
      let dh = d[k], tc = cellTanh[k]
      let dc = d[n + k] + dh * outputGate * (1 - tc * tc)
      dA[k] = dc * candidate * inputGate * (1 - inputGate)
      dA[n + k] = dc * previousCell[k] * forget * (1 - forget)
      dA[2 * n + k] = dh * tc * outputGate * (1 - outputGate)
      dA[3 * n + k] = dc * inputGate * (1 - candidate * candidate)
      previous[n + k] = dc * forget
    }
  }
}

/// The GRU's elementwise step over `n = H·B` units (see ``GRUCell``).
enum GRUGates {
  /// On entry `a` holds the input products `W_x·x + b_x` (`3n`), on return
  /// the activated `[r; u; n]`; `p` holds the hidden products `W_h·h + b_h`.
  /// Writes `h_t` from `h_{t−1}` (`previous`).
  static func forward(
    _ a: UnsafeMutableBufferPointer<Float>, hiddenProducts p: UnsafeBufferPointer<Float>,
    previous: UnsafeBufferPointer<Float>, next: UnsafeMutableBufferPointer<Float>, count n: Int
  ) {
    sprig_gru_gates_forward(a.baseAddress, p.baseAddress, previous.baseAddress, next.baseAddress, Int64(n))
  }

  /// From `∂L/∂h_t` (`d`): the pre-activation gradients of the input
  /// products (`gx`) and of the hidden products (`gh`, the candidate's scaled
  /// by `r`), and the direct path `u ∘ d` into `∂h_{t−1}` (`W_hᵀ·gh` is
  /// added by the caller). `candidateHidden` is the candidate's hidden product.
  static func backward(
    _ a: UnsafeBufferPointer<Float>, candidateHidden: UnsafeBufferPointer<Float>, previous: UnsafeBufferPointer<Float>,
    stateGradient d: UnsafeBufferPointer<Float>, inputGateGradient gx: UnsafeMutableBufferPointer<Float>,
    hiddenGateGradient gh: UnsafeMutableBufferPointer<Float>, previousStateGradient dp: UnsafeMutableBufferPointer<Float>,
    count n: Int
  ) {
    for k in 0..<n {
      let (reset, update, candidate) = (a[k], a[n + k], a[2 * n + k])
      let delta = d[k]
      let dn = delta * (1 - update) * (1 - candidate * candidate)
      let dr = dn * candidateHidden[k] * reset * (1 - reset)
      let du = delta * (previous[k] - candidate) * update * (1 - update)
      gx[k] = dr
      gx[n + k] = du
      gx[2 * n + k] = dn
      gh[k] = dr
      gh[n + k] = du
      gh[2 * n + k] = dn * reset
      dp[k] = delta * update
    }
  }
}
