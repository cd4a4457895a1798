// Softmax: the per-sample normalised exponential.
import Foundation

/// Softmax over the features of each sample (each column `j`):
///
///     yᵢⱼ = e^(xᵢⱼ − mⱼ) / Σₖ e^(xₖⱼ − mⱼ),   mⱼ = maxₖ xₖⱼ
///     ∂L/∂xᵢⱼ = yᵢⱼ·(∂L/∂yᵢⱼ − Σₖ yₖⱼ·∂L/∂yₖⱼ)
///
/// Subtracting the column maximum changes nothing mathematically but keeps
/// every exponent ≤ 0, so large logits neither overflow nor turn into NaN.
/// The backward is the full Jacobian-vector product, valid for any loss.
/// For classification train on logits with ``SoftmaxCrossEntropy``, which
/// fuses the two more stably, and keep this layer for inference or for
/// losses on probabilities.
public final class Softmax: Layer {
  public let inputSize: Int
  public var outputSize: Int { inputSize }
  public var needsInputGradient = true
  public var parameters: [Parameter] { [] }
  public var name: String { "Softmax \(inputSize)" }
  private let core = ElementwiseCore()
  /// One value per column (maximum, then sum, then the backward's dot
  /// product), reallocated only when the batch size changes.
  private var columnScratch: [Float] = []

  /// A softmax over `size` features (classes).
  public init(size: Int) { inputSize = size }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    let y = core.prepareForward(x, training: training, size: inputSize, name: name)
    let (n, batch) = (x.rows, x.columns)
    if columnScratch.count != batch { columnScratch = [Float](repeating: 0, count: batch) }
    // Row by row, so every inner loop runs over a contiguous batch row.
    x.elements.withUnsafeBufferPointer { xs in
      y.elements.withUnsafeMutableBufferPointer { ys in
        columnScratch.withUnsafeMutableBufferPointer { c in
          c.update(repeating: -.infinity)
          for i in 0..<n {
            for j in 0..<batch { c[j] = max(c[j], xs[i * batch + j]) }
          }
          for i in 0..<n {
            for j in 0..<batch { ys[i * batch + j] = exp(xs[i * batch + j] - c[j]) }
          }
          c.update(repeating: 0)
          for i in 0..<n {
            for j in 0..<batch { c[j] += ys[i * batch + j] }
          }
          for j in 0..<batch { c[j] = 1 / c[j] }
          for i in 0..<n {
            for j in 0..<batch { ys[i * batch + j] *= c[j] }
          }
        }
      }
    }
    return y
  }

  public func backward(_ dY: Matrix) -> Matrix {
    let x = core.takeInput(for: dY, name: name)
    guard needsInputGradient else { return core.noInputGradient() }
    let (n, batch) = (x.rows, x.columns)
    let dX = core.inputGradient
    dX.reshape(rows: n, columns: batch)
    core.output.elements.withUnsafeBufferPointer { ys in
      dY.elements.withUnsafeBufferPointer { dys in
        dX.elements.withUnsafeMutableBufferPointer { dxs in
          columnScratch.withUnsafeMutableBufferPointer { dot in
            dot.update(repeating: 0)
            for i in 0..<n {
              for j in 0..<batch { dot[j] += ys[i * batch + j] * dys[i * batch + j] }
            }
            for i in 0..<n {
              for j in 0..<batch { dxs[i * batch + j] = ys[i * batch + j] * (dys[i * batch + j] - dot[j]) }
            }
          }
        }
      }
    }
    return dX
  }
}
