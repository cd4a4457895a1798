import XCTest
@testable import Sprig

final class RBMPartitionTests: XCTestCase {
  /// An RBM on an Erdős–Rényi W with normal weights and biases: weights of
  /// std ~1 at density ~0.5 couple the units strongly enough that the base
  /// model of AIS is far from the target.
  private func makeRBM(
    visible: Int, hidden: Int, density: Double = 0.5, weightStd: Float = 1, biasStd: Float = 0.5, seed: UInt64
  ) throws -> RestrictedBoltzmannMachine {
    var rng = SeededGenerator(seed: seed)
    let pattern = ErdosRenyiTopology.pattern(inputSize: visible, outputSize: hidden, density: density, using: &rng)
    let w = (0..<pattern.nonzeroCount).map { _ in weightStd * rng.nextNormal() }
    let c = (0..<hidden).map { _ in biasStd * rng.nextNormal() }
    let b = (0..<visible).map { _ in biasStd * rng.nextNormal() }
    return RestrictedBoltzmannMachine(weights: try SparseLinear(pattern: pattern, weights: w, bias: c), visibleBias: b)
  }

  /// Every visible state as a column (unit i of state s is bit i of s).
  private func allVisibleStates(_ n: Int) -> Matrix {
    let states = Matrix(rows: n, columns: 1 << n)
    for s in 0..<(1 << n) {
      for i in 0..<n { states[i, s] = Float((s >> i) & 1) }
    }
    return states
  }

  /// Exact samples of the RBM's visible units, by inverse CDF over every state.
  private func exactSamples(of rbm: RestrictedBoltzmannMachine, count: Int, seed: UInt64) throws -> Matrix {
    let n = rbm.inputSize
    let logZ = try rbm.exactLogPartition()
    let states = allVisibleStates(n)
    let probabilities = rbm.freeEnergy(states).map { exp(-$0 - logZ) }
    var rng = SeededGenerator(seed: seed)
    let data = Matrix(rows: n, columns: count)
    for j in 0..<count {
      var u = Double(rng.next() >> 11) * 0x1.0p-53
      var s = 0
      while s < probabilities.count - 1 && u >= probabilities[s] { u -= probabilities[s]; s += 1 }
      for i in 0..<n { data[i, j] = states[i, s] }
    }
    return data
  }

  func testEnumeratingVisibleStatesEqualsEnumeratingHiddenStates() throws {
    for (visible, hidden, seed) in [(6, 9, UInt64(1)), (9, 6, 2)] {
      let rbm = try makeRBM(visible: visible, hidden: hidden, seed: seed)
      let overVisible = rbm.exactLogPartition(enumerating: .visible)
      let overHidden = rbm.exactLogPartition(enumerating: .hidden)
      XCTAssertEqual(overVisible, overHidden, accuracy: 1e-9, "\(visible)×\(hidden)")
    }
  }

  func testExactLogPartitionEqualsBruteForceSumOverAllVisibleAndHiddenStates() throws {
    let rbm = try makeRBM(visible: 4, hidden: 3, density: 0.7, seed: 3)
    let (n, m) = (4, 3)
    var w = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
    let p = rbm.weights.pattern
    for j in 0..<m {
      for k in Int(p.rowPointers[j])..<Int(p.rowPointers[j + 1]) {
        w[j][Int(p.columnIndices[k])] = Double(rbm.weights.weight.value[k])
      }
    }
    let b = rbm.visibleBias.value.map(Double.init), c = rbm.weights.bias.value.map(Double.init)
    var z = 0.0
    for vs in 0..<(1 << n) {
      for hs in 0..<(1 << m) {
        let v = (0..<n).map { Double((vs >> $0) & 1) }, h = (0..<m).map { Double((hs >> $0) & 1) }
        var minusEnergy = 0.0
        for i in 0..<n { minusEnergy += b[i] * v[i] }
        for j in 0..<m {
          minusEnergy += c[j] * h[j]
          for i in 0..<n { minusEnergy += h[j] * w[j][i] * v[i] }
        }
        z += exp(minusEnergy)
      }
    }
    XCTAssertEqual(try rbm.exactLogPartition(), log(z), accuracy: 1e-9)
  }

  func testAISWithOwnBiasBaseIsWithinATenthOfANatOfExactLogPartition() throws {
    let rbm = try makeRBM(visible: 12, hidden: 8, seed: 4)
    let exact = try rbm.exactLogPartition()
    var rng = SeededGenerator(seed: 5)
    let ais = rbm.annealedImportanceSampling(runs: 100, intermediateDistributions: 3000, using: &rng)
    print("AIS (own-bias base): exact \(exact), AIS \(ais.logPartition) ± \(ais.standardError), |Δ| \(abs(ais.logPartition - exact))")
    XCTAssertEqual(ais.logPartition, exact, accuracy: 0.1)
  }

  func testAISWithDataMeanBaseIsWithinATenthOfANatOfExactLogPartition() throws {
    let rbm = try makeRBM(visible: 12, hidden: 8, seed: 6)
    let exact = try rbm.exactLogPartition()
    let data = try exactSamples(of: rbm, count: 1000, seed: 7)
    // Clipped so an all-0 or all-1 pixel gives a finite logit.
    let base: [Float] = (0..<12).map { i in
      let mean = min(max(data.row(i).reduce(0, +) / Float(data.columns), 0.01), 0.99)
      return log(mean / (1 - mean))
    }
    var rng = SeededGenerator(seed: 8)
    let ais = rbm.annealedImportanceSampling(runs: 100, intermediateDistributions: 3000, baseVisibleBias: base, using: &rng)
    print("AIS (data-mean base): exact \(exact), AIS \(ais.logPartition) ± \(ais.standardError), |Δ| \(abs(ais.logPartition - exact))")
    XCTAssertEqual(ais.logPartition, exact, accuracy: 0.1)
  }

  func testAISIsDeterministicForAGivenGeneratorState() throws {
    let rbm = try makeRBM(visible: 10, hidden: 7, seed: 9)
    var first = SeededGenerator(seed: 10), second = SeededGenerator(seed: 10)
    let a = rbm.annealedImportanceSampling(runs: 8, intermediateDistributions: 50, using: &first)
    let b = rbm.annealedImportanceSampling(runs: 8, intermediateDistributions: 50, using: &second)
    XCTAssertEqual(a.logPartition, b.logPartition)
    XCTAssertEqual(a.standardError, b.standardError)
  }

  func testMeanLogLikelihoodOfDataIsAtMostZero() throws {
    let rbm = try makeRBM(visible: 10, hidden: 12, seed: 11)
    let logZ = try rbm.exactLogPartition()
    let data = try exactSamples(of: rbm, count: 200, seed: 12)
    let likelihood = rbm.meanLogLikelihood(data, logPartition: logZ)
    XCTAssertLessThanOrEqual(likelihood, 0)
    XCTAssertTrue(likelihood.isFinite)
  }

  func testProbabilitiesOfAllVisibleStatesSumToOne() throws {
    let rbm = try makeRBM(visible: 10, hidden: 12, seed: 13)
    let logZ = try rbm.exactLogPartition()
    let total = rbm.freeEnergy(allVisibleStates(10)).reduce(0) { $0 + exp(-$1 - logZ) }
    XCTAssertEqual(total, 1, accuracy: 1e-6)
  }

  func testMeanLogLikelihoodOfEveryStateAloneSumsToOneAsProbability() throws {
    let rbm = try makeRBM(visible: 8, hidden: 11, seed: 14)
    let logZ = try rbm.exactLogPartition()
    let states = allVisibleStates(8)
    let total = (0..<states.columns).reduce(0.0) { sum, s in
      sum + exp(rbm.meanLogLikelihood(Matrix(rows: 8, columns: 1, elements: states.column(s)), logPartition: logZ))
    }
    XCTAssertEqual(total, 1, accuracy: 1e-9)
  }

  func testExactLogPartitionThrowsForThirtyByThirtyRBM() throws {
    let rbm = try makeRBM(visible: 30, hidden: 30, density: 0.1, seed: 15)
    XCTAssertThrowsError(try rbm.exactLogPartition()) { error in
      guard case RBMError.tooManyUnitsToEnumerate(30, 30, _) = error else {
        return XCTFail("unexpected error \(error)")
      }
      XCTAssertTrue("\(error)".contains("annealedImportanceSampling"))
    }
  }
}
