// SparseLinear: a fully connected layer whose weights exist only on a sparse
// pattern, stored in CSR — memory and time proportional to its connections.

/// `y = W·x + b` with `W` sparse (CSR), the layer SET evolves.
///
/// Forward is an SpMM over the pattern, backward an SpMM over Wᵀ's pattern
/// (which reads W's values through a position map, so it never falls out of
/// step with the optimizer) and the weight gradient is computed only on the
/// pattern (SDDMM). Memory per connection: value, column index, gradient,
/// optimizer state, and the transposed index and position (4 bytes each);
/// under SGD with momentum the gradient kernel writes the velocity
/// directly (``MomentumFold``), and the gradient is not stored.
public final class SparseLinear: Layer, CarriesGradientThroughActivation {
  public let inputSize: Int
  public let outputSize: Int
  public var needsInputGradient = true
  /// Which connections exist: rows are output units, columns input units.
  public private(set) var pattern: SparsityPattern
  /// One weight per connection, in CSR order of ``pattern``.
  public let weight: Parameter
  /// One bias per output unit.
  public let bias: Parameter
  /// The engine for the three products (Sprig's kernels unless a benchmark
  /// asks for GraphBLAS).
  public var backend: SparseBackend = .sprig

  private var transposedPattern: SparsityPattern
  private var transposedSource: [Int32]
  private var input: Matrix?
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)
  private let noGradient = Matrix(rows: 0, columns: 0)
  /// The input and output gradient rounded to bfloat16, with `bf16`
  /// activations: the forward's rounding is what the backward's SDDMM reads.
  private let roundedInput = BFloat16Matrix(), roundedOutputGradient = BFloat16Matrix()

  /// How the kernels read activations and gradients (``ActivationPrecision``);
  /// Sprig's backend only (GraphBLAS runs FP32). Set for every sparse layer
  /// by ``Trainer`` from ``TrainingOptions/activationPrecision``.
  public var activationPrecision: ActivationPrecision = .fp32

  public var name: String { "SparseLinear \(inputSize)→\(outputSize)" }
  public var parameters: [Parameter] { [weight, bias] }

  /// A layer on `pattern` with the given weights (CSR order) and biases.
  public init(pattern: SparsityPattern, weights: [Float], bias: [Float]) throws {
    guard weights.count == pattern.nonzeroCount else {
      throw SparseError.valueCountMismatch(values: weights.count, connections: pattern.nonzeroCount)
    }
    guard bias.count == pattern.rows else {
      throw SparseError.valueCountMismatch(values: bias.count, connections: pattern.rows)
    }
    self.inputSize = pattern.columns
    self.outputSize = pattern.rows
    self.pattern = pattern
    self.weight = Parameter(name: "weight", value: weights, decays: true, foldsMomentum: true)
    self.bias = Parameter(name: "bias", value: bias, decays: false)
    (transposedPattern, transposedSource) = pattern.transposed()
  }

  /// A layer on `pattern` with weights drawn by `initialization` for each
  /// unit's actual in-degree, and zero biases.
  public convenience init(
    pattern: SparsityPattern, initialization: WeightInitialization = .heUniform,
    using rng: inout SeededGenerator
  ) {
    let fanOut = Double(pattern.nonzeroCount) / Double(max(pattern.columns, 1))
    var w = [Float](repeating: 0, count: pattern.nonzeroCount)
    for i in 0..<pattern.rows {
      let start = Int(pattern.rowPointers[i]), end = Int(pattern.rowPointers[i + 1])
      for k in start..<end { w[k] = initialization.sample(fanIn: end - start, fanOut: fanOut, using: &rng) }
    }
    try! self.init(pattern: pattern, weights: w, bias: [Float](repeating: 0, count: pattern.rows))
  }

  /// An Erdős–Rényi layer at SET's `epsilon` (see ``ErdosRenyiTopology``).
  public convenience init(
    inputSize: Int, outputSize: Int, epsilon: Double, initialization: WeightInitialization = .heUniform,
    using rng: inout SeededGenerator
  ) {
    let p = ErdosRenyiTopology.pattern(inputSize: inputSize, outputSize: outputSize, epsilon: epsilon, using: &rng)
    self.init(pattern: p, initialization: initialization, using: &rng)
  }

  /// The number of connections.
  public var connectionCount: Int { pattern.nonzeroCount }

  /// The weights as a CSR matrix (a copy).
  public var weights: CSRMatrix { try! CSRMatrix(pattern: pattern, values: weight.value) }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    forward(x, training: training, rectified: false)
  }

  /// The forward with a following ``ReLU`` applied inside the kernel
  /// (``Sequential`` fuses the pair; see ``ReLU/forward(rectified:training:)``).
  func forward(_ x: Matrix, training: Bool, rectified: Bool) -> Matrix {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features")
    switch backend {
    case .sprig:
      SparseKernels.multiply(pattern, values: weight.value, bias: bias.value, kernelInput(x), into: output, rectified: rectified)
    case .graphBLAS:
      try! GraphBLASKernels.multiply(pattern, values: weight.value, bias: bias.value, x, into: output)
      if rectified { ElementwiseKernels.reluInPlace(output) }
    }
    input = training ? x : nil
    return output
  }

  /// The forward with the ``SReLU`` after this layer, and the ``Dropout``
  /// after that when `dropout` is given, applied inside the kernel
  /// (``Sequential`` fuses them): returns the pre-activation, this layer's
  /// output, and writes the activations into `activated`. Sprig's
  /// backend only.
  func forward(_ x: Matrix, training: Bool, activating activated: Matrix, srelu: SReLUShape, dropout: DropoutMask?)
    -> Matrix
  {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features")
    precondition(backend == .sprig, "\(name): the fused SReLU forward runs on Sprig's kernels")
    SparseKernels.multiply(
      pattern, values: weight.value, bias: bias.value, kernelInput(x), into: output, activating: activated, srelu: srelu,
      dropout: dropout)
    input = training ? x : nil
    return output
  }

  public func backward(_ dY: Matrix) -> Matrix { backward(dY, biasGradientDone: false) }

  /// `x` as the forward's kernels read it: itself, or rounded to bfloat16
  /// (kept for the backward's SDDMM).
  private func kernelInput(_ x: Matrix) -> any SparseKernelInput {
    guard activationPrecision == .bf16 else { return x }
    roundedInput.round(from: x)
    return roundedInput
  }

  /// `dY` as the backward's kernels read it, and the input as the SDDMM
  /// reads it (the forward's rounding, with bf16).
  private func kernelOperands(_ dY: Matrix, input x: Matrix) -> (dY: any SparseKernelInput, x: any SparseKernelInput) {
    guard activationPrecision == .bf16 else { return (dY, x) }
    roundedOutputGradient.round(from: dY)
    return (roundedOutputGradient, roundedInput)
  }

  /// `dW = (dY·Xᵀ) ∘ pattern` on the operands the precision says.
  private func sampledProduct(_ dY: any SparseKernelInput, _ x: any SparseKernelInput) {
    writeWeightGradient { out, store in
      switch (dY, x) {
      case let (dY as BFloat16Matrix, x as BFloat16Matrix):
        SparseKernels.sampledProduct(pattern, dY, x, into: &out, store: store)
      case let (dY as Matrix, x as Matrix):
        SparseKernels.sampledProduct(pattern, dY, x, into: &out, store: store)
      default:
        preconditionFailure("\(name): the SDDMM's operands differ in precision")
      }
    }
  }

  /// Whether this layer's backward runs the SpMM `dX = Wᵀ·dY` carrying the
  /// gradient on through the activation before the layer: not on the
  /// GraphBLAS backend, not without an input gradient, not before a
  /// training forward. Where it can carry, it does so instead of taking the
  /// one-pass backward, which would leave the activation's backward to its
  /// own passes. (Carrying it in the one-pass kernel's epilogue instead made
  /// SET-MLP steps with the SET paper's settings on CIFAR-10 8 % slower than
  /// the SDDMM and the carrying SpMM.)
  var backwardCarriesThroughActivation: Bool {
    backend == .sprig && needsInputGradient && input != nil
  }

  /// Whether the backward runs dX and dW in one pass over Wᵀ: one thread
  /// only (with more, its scattered gradient writes would put every cache
  /// line of the gradient in both threads' hands), where the ISA and dY's
  /// size make it pay (``SparseKernels/fusedBackwardPays(outputs:batch:)``).
  private func takesOnePassBackward(batch: Int) -> Bool {
    allowsOnePassBackward && needsInputGradient && Parallel.threadCount == 1
      && SparseKernels.fusedBackwardPays(outputs: outputSize, batch: batch)
  }

  /// False: the plain backward never takes the one-pass kernel, so that a
  /// layer-by-layer chain sums dW in the order ``Sequential``'s carried
  /// backward does (tests compare the two bit for bit).
  var allowsOnePassBackward = true

  /// The backward with the activation before this layer folded into the
  /// backward SpMM (see ``CarriesGradientThroughActivation``).
  func backward(
    _ dY: Matrix, carrying activation: CarriedActivation, sums: inout [Float], rowSums: inout [Float],
    biasGradientDone: Bool
  ) -> Matrix {
    precondition(backwardCarriesThroughActivation)
    guard let x = input else { preconditionFailure("\(name): backward without a training forward") }
    if !biasGradientDone { SparseKernels.rowSums(dY, into: &bias.gradient) }  // db = Σ_batch dY
    input = nil
    let operands = kernelOperands(dY, input: x)
    sampledProduct(operands.dY, operands.x)  // dW = (dY·Xᵀ) ∘ pattern
    SparseKernels.multiply(  // dX = Wᵀ·dY carried through the activation, and its row sums
      transposedPattern, values: weight.value, valuePositions: transposedSource, operands.dY, into: inputGradient,
      carrying: activation, layerInput: x, sums: &sums, rowSums: &rowSums)
    return inputGradient
  }

  /// The backward; `biasGradientDone` when the next layer already wrote
  /// the bias gradient (see ``CarriesGradientThroughActivation``).
  func backward(_ dY: Matrix, biasGradientDone: Bool) -> Matrix {
    guard let x = input else { preconditionFailure("\(name): backward without a training forward") }
    if !biasGradientDone { SparseKernels.rowSums(dY, into: &bias.gradient) }  // db = Σ_batch dY
    input = nil
    switch backend {
    case .sprig:
      // dX = Wᵀ·dY and dW = (dY·Xᵀ) ∘ pattern in one pass over Wᵀ where
      // that pays; otherwise apart, each split by its own rows.
      // (The one-pass kernel has no bf16 form: its gathers are dY's rows,
      // its scatters the gradient's, so bf16 would halve only one side.)
      if activationPrecision == .fp32 && takesOnePassBackward(batch: dY.columns) {
        writeWeightGradient { out, store in
          SparseKernels.backward(
            transposed: transposedPattern, values: weight.value, valuePositions: transposedSource, dY, x,
            inputGradient: inputGradient, weightGradient: &out, store: store)
        }
        return inputGradient
      }
      let operands = kernelOperands(dY, input: x)
      sampledProduct(operands.dY, operands.x)  // dW = (dY·Xᵀ) ∘ pattern
      guard needsInputGradient else { return noGradient }
      SparseKernels.multiply(  // dX = Wᵀ·dY
        transposedPattern, values: weight.value, valuePositions: transposedSource, operands.dY, into: inputGradient)
    case .graphBLAS:
      writeWeightGradient { out, store in
        guard case .momentum(let fold, let w) = store else {
          return try! GraphBLASKernels.sampledProduct(pattern, dY, x, into: &out)
        }
        var g = [Float](repeating: 0, count: out.count)
        try! GraphBLASKernels.sampledProduct(pattern, dY, x, into: &g)
        for k in out.indices { out[k] = fold.momentum * out[k] + fold.weightDecay * w[k] + g[k] }
      }
      guard needsInputGradient else { return noGradient }
      try! GraphBLASKernels.multiply(pattern, values: weight.value, bias: nil, dY, into: inputGradient, transposed: true)
    }
    return inputGradient
  }

  /// Runs a weight-gradient kernel into the array it should write: the
  /// gradient or, while SGD's momentum is folded in, the velocity.
  private func writeWeightGradient(_ kernel: (inout [Float], SparseKernels.GradientStore) -> Void) {
    guard let fold = weight.momentumFold else { return kernel(&weight.gradient, .gradient) }
    kernel(&weight.optimizerState[0], .momentum(fold, weights: weight.value))
  }

  // MARK: The products for layers that apply this matrix inside them

  /// `y = W·x + b` into `y` (reshaped), caching nothing: for a layer that
  /// applies the matrix at every step and keeps its own inputs (a sparse
  /// recurrent cell). Sprig's kernels, whatever ``backend`` says.
  func multiply(_ x: Matrix, into y: Matrix) {
    precondition(x.rows == inputSize, "\(name): input has \(x.rows) features")
    SparseKernels.multiply(pattern, values: weight.value, bias: bias.value, x, into: y)
  }

  /// `dX = Wᵀ·dY` into `dX` (reshaped), by the SpMM over Wᵀ's pattern.
  func multiplyTransposed(_ dY: Matrix, into dX: Matrix) {
    precondition(dY.rows == outputSize, "\(name): output gradient has \(dY.rows) rows")
    SparseKernels.multiply(transposedPattern, values: weight.value, valuePositions: transposedSource, dY, into: dX)
  }

  /// Writes `dW = (dY·Xᵀ) ∘ pattern`, or advances the velocity by it while
  /// SGD's momentum is folded in: so call it once per training step, with
  /// every use of the matrix in `dY` and `x` (steps side by side as columns).
  func writeWeightGradient(outputGradient dY: Matrix, input x: Matrix) {
    writeWeightGradient { out, store in SparseKernels.sampledProduct(pattern, dY, x, into: &out, store: store) }
  }

  /// Replaces the pattern (evolution): `weights` are in the new CSR order,
  /// and `source[k]` is the old position of new connection `k`, or −1 for a
  /// new connection, so the optimizer state follows surviving connections.
  public func replacePattern(_ newPattern: SparsityPattern, weights: [Float], source: [Int32]) {
    precondition(newPattern.rows == outputSize && newPattern.columns == inputSize)
    precondition(weights.count == newPattern.nonzeroCount && source.count == weights.count)
    pattern = newPattern
    weight.value = weights
    weight.remap(from: source)
    (transposedPattern, transposedSource) = newPattern.transposed()
  }

  /// Bytes held per connection by weights, indices, gradient, optimizer
  /// state and the transposed pattern, as the layer holds them now (no
  /// gradient while SGD's momentum is folded in; see ``MomentumFold``).
  public var bytesPerConnection: Double {
    let n = Double(max(connectionCount, 1))
    let gradient = weight.gradient.isEmpty ? 0 : 1
    let perConnection = 4.0 * Double(2 + gradient + weight.optimizerState.count + 2)  // value, column, gradient, state, Wᵀ row + position
    let perRow = 4.0 * Double(outputSize + 1 + inputSize + 1) / n
    return perConnection + perRow
  }
}
