// RestrictedBoltzmannMachine: visible and hidden units joined by a sparse W,
// trained by contrastive divergence, usable as a feature layer.
import Foundation

/// A restricted Boltzmann machine with `visibleSize` visible and
/// `hiddenSize` hidden binary units and energy
/// `E(v, h) = −bᵀv − cᵀh − hᵀW v`, W sparse (CSR, `hiddenSize × visibleSize`):
/// ``weights`` holds W and the hidden bias c, ``visibleBias`` holds b.
/// With Gaussian visible units (unit variance) the energy's visible term is
/// `½‖v − b‖²` and `p(v | h)` is `N(Wᵀh + b, I)`.
///
/// As a layer its forward is `p(h = 1 | v) = σ(W v + c)`, the features an
/// RBM gives the layer after it, with the matching backward; its training
/// is ``contrastiveDivergence(_:steps:persistentChains:using:)``, not
/// back-propagation.
public final class RestrictedBoltzmannMachine: Layer, HasSparseLayers {
  /// Visible units.
  public enum VisibleUnits: String, Codable, Sendable { case bernoulli, gaussian }

  /// W (rows: hidden units) and the hidden bias c.
  public let weights: SparseLinear
  /// b, one per visible unit.
  public let visibleBias: Parameter
  public let visibleUnits: VisibleUnits
  public var needsInputGradient: Bool {
    get { weights.needsInputGradient }
    set { weights.needsInputGradient = newValue }
  }
  public var inputSize: Int { weights.inputSize }
  public var outputSize: Int { weights.outputSize }
  public var name: String { "RBM \(inputSize)↔\(outputSize)" }
  public var parameters: [Parameter] { [weights.weight, weights.bias, visibleBias] }
  public var sparseLayers: [SparseLinear] { [weights] }

  private let hidden = Matrix(rows: 0, columns: 0)
  private let preActivationGradient = Matrix(rows: 0, columns: 0)
  // Contrastive divergence's buffers: the data and model phases side by
  // side (2B columns), so one SDDMM writes both terms of dW.
  private let phases = Matrix(rows: 0, columns: 0)
  private let phaseHidden = Matrix(rows: 0, columns: 0)
  private let chainVisible = Matrix(rows: 0, columns: 0)
  private let chainHidden = Matrix(rows: 0, columns: 0)
  private let hiddenSample = Matrix(rows: 0, columns: 0)
  private let dataHidden = Matrix(rows: 0, columns: 0)
  private let visible = Matrix(rows: 0, columns: 0)

  /// An RBM over `weights` (W and c) with visible bias `visibleBias`.
  public init(weights: SparseLinear, visibleBias: [Float], visibleUnits: VisibleUnits = .bernoulli) {
    precondition(visibleBias.count == weights.inputSize, "RBM: \(visibleBias.count) visible biases for \(weights.inputSize) visible units")
    self.weights = weights
    self.visibleBias = Parameter(name: "visible_bias", value: visibleBias, decays: false)
    self.visibleUnits = visibleUnits
  }

  // MARK: Conditionals

  /// `p(h = 1 | v) = σ(W v + c)` into `h`.
  public func hiddenProbabilities(_ v: Matrix, into h: Matrix) {
    weights.multiply(v, into: h)
    Self.sigmoidInPlace(h)
  }

  /// `E[v | h]`: `σ(Wᵀh + b)` for Bernoulli units, `Wᵀh + b` for Gaussian.
  public func visibleMeans(_ h: Matrix, into v: Matrix) {
    weights.multiplyTransposed(h, into: v)
    let b = visibleBias.value, n = v.columns
    v.elements.withUnsafeMutableBufferPointer { e in
      for i in 0..<v.rows {
        for j in 0..<n { e[i * n + j] += b[i] }
      }
    }
    if visibleUnits == .bernoulli { Self.sigmoidInPlace(v) }
  }

  /// A sample of binary units with probabilities `p` (or, for Gaussian
  /// visible units, `p` plus unit-variance noise), into `sample`.
  func sample(_ p: Matrix, into sample: Matrix, gaussian: Bool = false, using rng: inout SeededGenerator) {
    sample.reshape(rows: p.rows, columns: p.columns)
    p.elements.withUnsafeBufferPointer { probability in
      sample.elements.withUnsafeMutableBufferPointer { s in
        if gaussian {
          for k in s.indices { s[k] = probability[k] + rng.nextNormal() }
        } else {
          for k in s.indices { s[k] = rng.nextUnitFloat() < probability[k] ? 1 : 0 }
        }
      }
    }
  }

  /// The free energy `F(v) = −log Σ_h e^(−E(v,h))` of each column of `v`:
  /// `−bᵀv − Σ_j softplus((W v + c)_j)` (Bernoulli), `½‖v − b‖² − Σ_j
  /// softplus(…)` (Gaussian), in double precision.
  public func freeEnergy(_ v: Matrix) -> [Double] {
    let pre = Matrix(rows: 0, columns: 0)
    weights.multiply(v, into: pre)
    let n = v.columns
    var energy = [Double](repeating: 0, count: n)
    let b = visibleBias.value
    v.elements.withUnsafeBufferPointer { x in
      for i in 0..<v.rows {
        for j in 0..<n {
          let value = Double(x[i * n + j])
          energy[j] += visibleUnits == .gaussian ? 0.5 * (value - Double(b[i])) * (value - Double(b[i])) : -Double(b[i]) * value
        }
      }
    }
    pre.elements.withUnsafeBufferPointer { a in
      for i in 0..<pre.rows {
        for j in 0..<n { energy[j] -= Self.softplus(Double(a[i * n + j])) }
      }
    }
    return energy
  }

  // MARK: Training

  /// One CD-k step on the batch `v` (visible × B): writes the gradients of
  /// the negative log-likelihood's CD estimate into ``parameters`` —
  /// `∂/∂W = −(⟨h vᵀ⟩_data − ⟨h vᵀ⟩_model) / B` over W's pattern, and the
  /// same for the biases — and returns the mean squared reconstruction
  /// error of the first Gibbs step. The model phase starts from the data
  /// (CD) or, given `persistentChains` (visible × B, kept between calls),
  /// from those chains (persistent CD), which it advances.
  @discardableResult
  public func contrastiveDivergence(
    _ v: Matrix, steps k: Int, persistentChains: Matrix? = nil, using rng: inout SeededGenerator
  ) -> Double {
    precondition(k >= 1, "RBM: CD needs at least one Gibbs step")
    let (n, batch) = (v.rows, v.columns)
    let gaussian = visibleUnits == .gaussian
    hiddenProbabilities(v, into: dataHidden)
    // The reconstruction error: one Gibbs step from the data.
    sample(dataHidden, into: hiddenSample, using: &rng)
    visibleMeans(hiddenSample, into: chainVisible)
    let reconstructionError = Self.meanSquaredDifference(chainVisible, v)
    // The model phase: k Gibbs steps from the data (CD) or from the
    // persistent chains (PCD). CD's first step is the reconstruction just
    // made; its last visible state stays as means (Hinton's practical guide:
    // less sampling noise), PCD's chains stay samples.
    let persistent = persistentChains != nil
    if let chains = persistentChains {
      if chains.rows != n || chains.columns != batch {
        chains.reshape(rows: n, columns: batch)
        chains.elements = v.elements
      }
      hiddenProbabilities(chains, into: chainHidden)
      sample(chainHidden, into: hiddenSample, using: &rng)
      visibleMeans(hiddenSample, into: chainVisible)
    }
    for step in 1...k {
      if step > 1 {
        sample(chainHidden, into: hiddenSample, using: &rng)
        visibleMeans(hiddenSample, into: chainVisible)
      }
      if step < k || persistent {
        sample(chainVisible, into: visible, gaussian: gaussian, using: &rng)
      } else {
        visible.reshape(rows: n, columns: batch)
        visible.elements = chainVisible.elements
      }
      hiddenProbabilities(visible, into: chainHidden)
    }
    if let chains = persistentChains { chains.elements = visible.elements }
    // dW = (dH · Vᵀ) ∘ pattern with dH = [−h_data, +h_model] / B and
    // V = [v_data, v_model]: both phases in one sampled product.
    let scale = 1 / Float(batch)
    phases.reshape(rows: n, columns: 2 * batch)
    phaseHidden.reshape(rows: outputSize, columns: 2 * batch)
    Self.placeSideBySide(v, visible, into: phases, leftScale: 1, rightScale: 1)
    Self.placeSideBySide(dataHidden, chainHidden, into: phaseHidden, leftScale: -scale, rightScale: scale)
    weights.writeWeightGradient(outputGradient: phaseHidden, input: phases)
    SparseKernels.rowSums(phaseHidden, into: &weights.bias.gradient)
    // ∂/∂b = −(⟨v⟩_data − ⟨v⟩_model) / B, for Gaussian units too (their b
    // terms of the two phases cancel).
    Self.placeSideBySide(v, visible, into: phases, leftScale: -scale, rightScale: scale)
    if visibleBias.gradient.count != n { visibleBias.gradient = [Float](repeating: 0, count: n) }
    SparseKernels.rowSums(phases, into: &visibleBias.gradient)
    return reconstructionError
  }

  // MARK: Layer

  public func forward(_ v: Matrix, training: Bool) -> Matrix {
    hiddenProbabilities(v, into: hidden)
    if training { cachedInput = v }
    return hidden
  }

  private var cachedInput: Matrix?

  public func backward(_ dH: Matrix) -> Matrix {
    guard let v = cachedInput else { preconditionFailure("\(name): backward without a training forward") }
    cachedInput = nil
    // Through σ: dA = dH ∘ h(1 − h); then the sparse layer's own backward.
    preActivationGradient.reshape(rows: dH.rows, columns: dH.columns)
    hidden.elements.withUnsafeBufferPointer { h in
      dH.elements.withUnsafeBufferPointer { g in
        preActivationGradient.elements.withUnsafeMutableBufferPointer { out in
          for k in out.indices { out[k] = g[k] * h[k] * (1 - h[k]) }
        }
      }
    }
    _ = weights.forward(v, training: true)  // caches v for its backward
    visibleBias.gradient = [Float](repeating: 0, count: visibleBias.count)
    return weights.backward(preActivationGradient)
  }

  // MARK: Helpers

  static func sigmoidInPlace(_ m: Matrix) {
    m.elements.withUnsafeMutableBufferPointer { e in
      for k in e.indices { e[k] = 1 / (1 + Foundation.exp(-e[k])) }
    }
  }

  static func softplus(_ x: Double) -> Double { x > 30 ? x : Foundation.log1p(Foundation.exp(x)) }

  static func meanSquaredDifference(_ a: Matrix, _ b: Matrix) -> Double {
    var total = 0.0
    a.elements.withUnsafeBufferPointer { x in
      b.elements.withUnsafeBufferPointer { y in
        for k in x.indices { total += Double((x[k] - y[k]) * (x[k] - y[k])) }
      }
    }
    return total / Double(max(a.columns, 1))
  }

  /// `[leftScale·left, rightScale·right]`, columns side by side, into `out`
  /// (already `rows × (left.columns + right.columns)`).
  static func placeSideBySide(_ left: Matrix, _ right: Matrix, into out: Matrix, leftScale: Float, rightScale: Float) {
    let (l, r) = (left.columns, right.columns), width = l + r
    left.elements.withUnsafeBufferPointer { a in
      right.elements.withUnsafeBufferPointer { b in
        out.elements.withUnsafeMutableBufferPointer { o in
          for i in 0..<left.rows {
            for j in 0..<l { o[i * width + j] = leftScale * a[i * l + j] }
            for j in 0..<r { o[i * width + l + j] = rightScale * b[i * r + j] }
          }
        }
      }
    }
  }
}
