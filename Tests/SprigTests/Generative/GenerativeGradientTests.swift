import XCTest
@testable import Sprig

/// Each new backward against central finite differences: the latent
/// sample with its KL term, the RBM as a feature layer, a whole VAE's
/// negative ELBO, a GAN generator's gradient through its discriminator,
/// and CD's estimate against the exact log-likelihood gradient.
final class GenerativeGradientTests: XCTestCase {
  func testGaussianSampleBackwardMatchesFiniteDifferencesWithItsKLTerm() {
    let layer = GaussianSample(latent: 3)
    let x = randomMatrix(rows: 6, columns: 4, in: -1...1, seed: 1)
    let r = randomMatrix(rows: 3, columns: 4, seed: 2)
    // L = Σ R∘z + KL (the layer's own term): the same noise every forward.
    func loss() -> Double {
      layer.reseed(7)
      let z = layer.forward(x, training: true)
      return zip(z.elements, r.elements).reduce(0) { $0 + Double($1.0) * Double($1.1) } + layer.addedLoss
    }
    _ = loss()
    let dX = layer.backward(r).copy()
    checkMatrixGradient(x, analytic: dX, loss: loss, what: "∂input")
  }

  func testKLTermIsZeroForTheStandardNormalAndPositiveOtherwise() {
    let layer = GaussianSample(latent: 2)
    _ = layer.forward(Matrix(rows: 4, columns: 3), training: false)  // μ = 0, log σ² = 0
    XCTAssertEqual(layer.addedLoss, 0, accuracy: 1e-12)
    _ = layer.forward(Matrix(rows: 4, columns: 1, elements: [1, 0, 0, 0]), training: false)
    XCTAssertEqual(layer.addedLoss, 0.5, accuracy: 1e-6)  // ½μ²
  }

  func testRBMFeatureLayerBackwardMatchesFiniteDifferences() throws {
    var rng = SeededGenerator(seed: 3)
    let pattern = ErdosRenyiTopology.pattern(inputSize: 7, outputSize: 5, density: 0.6, using: &rng)
    let weights = try SparseLinear(
      pattern: pattern, weights: (0..<pattern.nonzeroCount).map { _ in rng.nextNormal() }, bias: (0..<5).map { _ in rng.nextNormal() })
    let rbm = RestrictedBoltzmannMachine(weights: weights, visibleBias: (0..<7).map { _ in rng.nextNormal() })
    rbm.needsInputGradient = true
    checkLayerGradients(rbm, input: randomMatrix(rows: 7, columns: 3, in: 0...1, seed: 4))
  }

  private func vae(features: Int, latent: Int) throws -> Sequential {
    var d = ModelDescription(
      input: InputDescription(features: features),
      layers: [
        .sparseLinear(units: 8, topology: TopologyDescription(kind: .er, density: 0.7)), .activation(.tanh),
        .linear(units: 2 * latent), .gaussianSample(latent: latent), .linear(units: 8), .activation(.tanh),
        .sparseLinear(units: features, topology: TopologyDescription(kind: .er, density: 0.7)),
      ])
    d.loss = "elbo"
    return try Sequential(description: d, seed: 5)
  }

  func testVAEGradientOfTheNegativeELBOMatchesFiniteDifferences() throws {
    let model = try vae(features: 6, latent: 2)
    let objective = ModelObjective(objective: .evidenceLowerBound, model: model, options: TrainingOptions())
    let x = randomMatrix(rows: 6, columns: 5, in: 0...1, seed: 6)
    let y = Matrix(rows: 1, columns: 5)
    let optimizer = SGD(learningRate: 0)
    func loss() -> Double {
      (model.layers[3] as! GaussianSample).reseed(11)
      return objective.trainStep(x, y, optimizer: optimizer, parameters: model.parameters).loss
    }
    _ = loss()
    checkParameterGradients(model.parameters, analytic: model.parameters.map(\.gradient), loss: loss)
  }

  func testGeneratorGradientThroughTheDiscriminatorMatchesFiniteDifferences() throws {
    var rng = SeededGenerator(seed: 8)
    try checkGeneratorGradient(
      Sequential([
        Linear(inputSize: 3, outputSize: 6, using: &rng), LeakyReLU(size: 6), Linear(inputSize: 6, outputSize: 5, using: &rng),
        Sigmoid(size: 5),
      ]), using: &rng)
  }

  func testASparseGeneratorsGradientThroughTheDiscriminatorMatchesFiniteDifferences() throws {
    var rng = SeededGenerator(seed: 18)
    try checkGeneratorGradient(
      Sequential([
        SparseLinear(inputSize: 3, outputSize: 8, epsilon: 2, using: &rng), LeakyReLU(size: 8),
        SparseLinear(inputSize: 8, outputSize: 6, epsilon: 3, using: &rng), LeakyReLU(size: 6),
        Linear(inputSize: 6, outputSize: 5, using: &rng), Sigmoid(size: 5),
      ]), using: &rng)
  }

  private func checkGeneratorGradient(_ generator: Sequential, using rng: inout SeededGenerator) throws {
    let discriminator = Sequential([
      SparseLinear(inputSize: 5, outputSize: 6, epsilon: 3, using: &rng), LeakyReLU(size: 6), Linear(inputSize: 6, outputSize: 1, using: &rng),
    ])
    discriminator.layers[0].needsInputGradient = true
    let z = randomMatrix(rows: 3, columns: 4, seed: 9)
    let ones = Matrix(rows: 1, columns: 4, repeating: 1)
    let g = Matrix(rows: 0, columns: 0)
    // The non-saturating generator loss −log D(G(z)).
    func loss() -> Double {
      let scores = discriminator.forward(generator.forward(z, training: true), training: true)
      return Double(BinaryCrossEntropyWithLogits()(scores, ones, gradient: g))
    }
    _ = loss()
    generator.backward(discriminator.backward(g))
    checkParameterGradients(generator.parameters, analytic: generator.parameters.map(\.gradient), loss: loss)
  }

  func testLongGibbsChainsGiveTheExactLogLikelihoodGradient() throws {
    // 5 visible, 3 hidden, fully connected: every visible state enumerated.
    var rng = SeededGenerator(seed: 12)
    let (n, m) = (5, 3)
    let pattern = try SparsityPattern(rows: m, columns: n, entries: (0..<m).flatMap { i in (0..<n).map { (i, $0) } })
    let w = (0..<(n * m)).map { _ in 0.8 * rng.nextNormal() }
    let rbm = RestrictedBoltzmannMachine(
      weights: try SparseLinear(pattern: pattern, weights: w, bias: (0..<m).map { _ in 0.5 * rng.nextNormal() }),
      visibleBias: (0..<n).map { _ in 0.5 * rng.nextNormal() })
    let data: [[Float]] = [[1, 0, 1, 0, 1], [1, 1, 0, 0, 0], [0, 0, 1, 1, 1], [1, 0, 0, 1, 0]]
    // Exact: ∂(−mean log p)/∂W_ji = −(⟨h_j v_i⟩_data − ⟨h_j v_i⟩_model).
    let states = Matrix(rows: n, columns: 1 << n)
    for s in 0..<(1 << n) { for i in 0..<n { states[i, s] = Float((s >> i) & 1) } }
    let energies = rbm.freeEnergy(states)
    let top = energies.map { -$0 }.max()!
    let logZ = top + log(energies.map { exp(-$0 - top) }.reduce(0, +))
    let h = Matrix(rows: 0, columns: 0)
    rbm.hiddenProbabilities(states, into: h)
    var model = [Double](repeating: 0, count: n * m)
    for s in 0..<(1 << n) {
      let p = exp(-energies[s] - logZ)
      for j in 0..<m { for i in 0..<n { model[j * n + i] += p * Double(h[j, s] * states[i, s]) } }
    }
    let v = Matrix(rows: n, columns: data.count, elements: (0..<n).flatMap { i in data.map { $0[i] } })
    rbm.hiddenProbabilities(v, into: h)
    var exact = [Double](repeating: 0, count: n * m)
    for j in 0..<m {
      for i in 0..<n {
        let positive = (0..<data.count).reduce(0.0) { $0 + Double(h[j, $1] * v[i, $1]) } / Double(data.count)
        exact[j * n + i] = -(positive - model[j * n + i])
      }
    }
    // 200 Gibbs steps from 1,000 copies of each sample forget the data.
    // Persistent chains (started at the data) keep the last visible state a
    // sample: CD's mean-field last step is biased, by design.
    let copies = 1000
    let batch = Matrix(rows: n, columns: data.count * copies)
    for c in 0..<batch.columns { for i in 0..<n { batch[i, c] = data[c % data.count][i] } }
    var sampler = SeededGenerator(seed: 13)
    rbm.contrastiveDivergence(batch, steps: 200, persistentChains: Matrix(rows: 0, columns: 0), using: &sampler)
    for k in exact.indices {
      XCTAssertEqual(Double(rbm.weights.weight.gradient[k]), exact[k], accuracy: 0.03, "∂W[\(k)]")
    }
  }
}
