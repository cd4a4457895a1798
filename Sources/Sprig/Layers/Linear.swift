// Linear: the dense fully connected layer, on OpenBLAS sgemm (Sprig's narrow
// kernels for a classifier's few outputs).

/// `y = W·x + b` with a dense `W` (`outputSize × inputSize`, row-major).
public final class Linear: Layer, CarriesGradientThroughActivation {
  public let inputSize: Int
  public let outputSize: Int
  public var needsInputGradient = true
  /// The weights, `outputSize × inputSize` row-major.
  public let weight: Parameter
  /// One bias per output unit.
  public let bias: Parameter

  private var input: Matrix?
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)
  private let noGradient = Matrix(rows: 0, columns: 0)

  public var name: String { "Linear \(inputSize)→\(outputSize)" }

  /// Few outputs (a classifier): Sprig's narrow kernels, which `sprig-bench
  /// kernels` measured 1.35–2.1× faster than sgemm at 4000→10 (ops
  /// `dense-*`, see docs/performance.md); wider layers run on sgemm.
  private var isNarrow: Bool { outputSize <= NarrowDenseKernels.maximumOutputs }
  public var parameters: [Parameter] { [weight, bias] }

  /// A layer with the given weights (`outputSize × inputSize`, row-major) and biases.
  public init(inputSize: Int, outputSize: Int, weights: [Float], bias: [Float]) throws {
    guard weights.count == inputSize * outputSize, bias.count == outputSize else {
      throw SparseError.valueCountMismatch(values: weights.count, connections: inputSize * outputSize)
    }
    self.inputSize = inputSize
    self.outputSize = outputSize
    self.weight = Parameter(name: "weight", value: weights, decays: true)
    self.bias = Parameter(name: "bias", value: bias, decays: false)
  }

  /// A layer with weights drawn by `initialization` and zero biases.
  public convenience init(
    inputSize: Int, outputSize: Int, initialization: WeightInitialization = .heUniform,
    using rng: inout SeededGenerator
  ) {
    let w = (0..<(inputSize * outputSize)).map { _ in
      initialization.sample(fanIn: inputSize, fanOut: Double(outputSize), using: &rng)
    }
    try! self.init(inputSize: inputSize, outputSize: outputSize, weights: w, bias: [Float](repeating: 0, count: outputSize))
  }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features")
    let batch = x.columns
    if isNarrow {
      NarrowDenseKernels.forward(weights: weight.value, outputs: outputSize, bias: bias.value, x, into: output)
    } else {
      output.reshape(rows: outputSize, columns: batch)
      output.elements.withUnsafeMutableBufferPointer { y in  // start from the bias, then Y += W·X
        for i in 0..<outputSize { y[(i * batch)..<((i + 1) * batch)].update(repeating: bias.value[i]) }
      }
      BLAS.gemm(m: outputSize, n: batch, k: inputSize, weight.value, x.elements, into: &output.elements, beta: 1)
    }
    input = training ? x : nil
    return output
  }

  var backwardCarriesThroughActivation: Bool { isNarrow && needsInputGradient }

  /// The backward with the activation before this layer folded into the
  /// narrow input-gradient kernel (see ``CarriesGradientThroughActivation``).
  func backward(
    _ dY: Matrix, carrying activation: CarriedActivation, sums: inout [Float], rowSums: inout [Float],
    biasGradientDone: Bool
  ) -> Matrix {
    precondition(backwardCarriesThroughActivation)
    guard let x = input else { preconditionFailure("\(name): backward without a training forward") }
    NarrowDenseKernels.weightGradient(dY, x, into: &weight.gradient)  // dW = dY·Xᵀ
    if !biasGradientDone { SparseKernels.rowSums(dY, into: &bias.gradient) }  // db = Σ_batch dY
    input = nil
    NarrowDenseKernels.inputGradient(  // dX = Wᵀ·dY carried through the activation, and its row sums
      weights: weight.value, inputs: inputSize, dY, into: inputGradient, carrying: activation, layerInput: x,
      sums: &sums, rowSums: &rowSums)
    return inputGradient
  }

  public func backward(_ dY: Matrix) -> Matrix {
    guard let x = input else { preconditionFailure("\(name): backward without a training forward") }
    let batch = x.columns
    if isNarrow {
      NarrowDenseKernels.weightGradient(dY, x, into: &weight.gradient)  // dW = dY·Xᵀ
    } else {
      BLAS.gemm(m: outputSize, n: inputSize, k: batch, dY.elements, x.elements, transposeB: true, into: &weight.gradient)
    }
    SparseKernels.rowSums(dY, into: &bias.gradient)  // db = Σ_batch dY
    input = nil
    guard needsInputGradient else { return noGradient }
    if isNarrow {
      NarrowDenseKernels.inputGradient(weights: weight.value, inputs: inputSize, dY, into: inputGradient)  // dX = Wᵀ·dY
    } else {
      inputGradient.reshape(rows: inputSize, columns: batch)
      BLAS.gemm(m: inputSize, n: batch, k: outputSize, weight.value, transposeA: true, dY.elements, into: &inputGradient.elements)
    }
    return inputGradient
  }
}
