// RBMPartitionFunction: log Z of a Bernoulli RBM, exactly for small models
// and by annealed importance sampling for the rest, and the log-likelihood
// that needs it.
import Foundation

/// Why an RBM's partition function could not be computed.
public enum RBMError: Error, CustomStringConvertible {
  /// Both sides are too large to enumerate.
  case tooManyUnitsToEnumerate(visible: Int, hidden: Int, limit: Int)
  /// The computation is defined here for Bernoulli visible units only.
  case unsupportedVisibleUnits(RestrictedBoltzmannMachine.VisibleUnits)

  public var description: String {
    switch self {
    case .tooManyUnitsToEnumerate(let v, let h, let limit):
      return "Exact log Z enumerates 2^min(visible, hidden) states, but this RBM has \(v) visible and \(h) hidden units (limit \(limit) on the smaller side); estimate it with annealedImportanceSampling(runs:intermediateDistributions:baseVisibleBias:using:) instead."
    case .unsupportedVisibleUnits(let units):
      return "The partition function is implemented for Bernoulli visible units only, not \(units.rawValue)."
    }
  }
}

extension RestrictedBoltzmannMachine {
  /// The largest side ``exactLogPartition()`` enumerates: 2^20 states.
  public static let maximumEnumeratedUnits = 20

  /// Which side's states an exact sum runs over.
  enum Side { case visible, hidden }

  /// log Z, `Z = Σ_{v,h} e^(−E(v,h))`, exactly: a sum over all 2^m states of
  /// the smaller side, m = min(visible, hidden), of `e^(−F)` with the other
  /// side summed out analytically — `F(v) = −bᵀv − Σ_j softplus((W v + c)_j)`
  /// or, over the hidden side, `F(h) = −cᵀh − Σ_i softplus((Wᵀh + b)_i)` —
  /// in double precision with a log-sum-exp.
  ///
  /// Cost: `O(2^m · (nnz(W) + visible + hidden))` time and `O(1024 · (visible
  /// + hidden))` memory (states go through in blocks of 1024).
  ///
  /// - Throws: ``RBMError/tooManyUnitsToEnumerate(visible:hidden:limit:)``
  ///   when the smaller side has more than ``maximumEnumeratedUnits`` units
  ///   (use ``annealedImportanceSampling(runs:intermediateDistributions:baseVisibleBias:using:)``),
  ///   ``RBMError/unsupportedVisibleUnits(_:)`` for Gaussian visible units.
  public func exactLogPartition() throws -> Double {
    guard visibleUnits == .bernoulli else { throw RBMError.unsupportedVisibleUnits(visibleUnits) }
    guard min(inputSize, outputSize) <= Self.maximumEnumeratedUnits else {
      throw RBMError.tooManyUnitsToEnumerate(visible: inputSize, hidden: outputSize, limit: Self.maximumEnumeratedUnits)
    }
    return exactLogPartition(enumerating: inputSize <= outputSize ? .visible : .hidden)
  }

  /// log Z by a sum over every state of `side` (callers check its size).
  func exactLogPartition(enumerating side: Side) -> Double {
    let m = side == .visible ? inputSize : outputSize
    precondition(m <= Self.maximumEnumeratedUnits, "RBM: \(m) units are too many to enumerate")
    let total = 1 << m
    // Both powers of two, so every block is full.
    let block = min(total, 1024)
    var states = [Float](repeating: 0, count: m * block)
    var sum = LogSumExp()
    for start in stride(from: 0, to: total, by: block) {
      states.withUnsafeMutableBufferPointer { s in
        for i in 0..<m {
          for k in 0..<block { s[i * block + k] = ((start + k) >> i) & 1 == 1 ? 1 : 0 }
        }
      }
      let energies = states.withUnsafeBufferPointer { freeEnergyInDouble($0, columns: block, over: side) }
      for f in energies { sum.add(-f) }
    }
    return sum.value
  }

  /// An estimate of log Z by annealed importance sampling (Salakhutdinov &
  /// Murray 2008, "On the quantitative analysis of deep belief networks"),
  /// with its standard error.
  ///
  /// The base model has W = 0, c = 0 and visible biases `baseVisibleBias`
  /// (default: this RBM's b; pass the logit of the data's clipped pixel
  /// means for a base close to the data), so `log Z_A = Σ_i softplus(b_A,i)
  /// + hidden · log 2` exactly. The intermediate distributions scale the
  /// joint energies, `p_β(v, h) ∝ exp((1−β) b_Aᵀv + β (bᵀv + cᵀh + hᵀW v))`,
  /// whose marginal is `p*_β(v) = exp((1−β) b_Aᵀv + β bᵀv) Π_j (1 +
  /// e^(β (W v + c)_j))`. β follows Salakhutdinov & Murray's schedule — of
  /// their 15 000 steps, 1 000 evenly over [0, 0.5], 4 000 over [0.5, 0.9]
  /// and 10 000 over [0.9, 1] — scaled to `intermediateDistributions` steps
  /// (evenly spaced when fewer than 3). Each run starts from an exact
  /// sample of the base model and, at each β, adds `log p*_β(v) −
  /// log p*_β_prev(v)` to its log weight, then takes one Gibbs step that
  /// leaves `p_β` invariant: `h ~ σ(β (W v + c))`, `v ~ σ((1−β) b_A + β (Wᵀh
  /// + b))`. The runs are the columns of one matrix, so a step is one
  /// sparse product each way.
  ///
  /// Returns `log Z_A + log mean(w)` and, by the delta method, the standard
  /// error `std(w) / (mean(w) √runs)` of that log (infinite for one run);
  /// the log weights stay in double precision. The result depends only on
  /// the arguments and `rng`'s state.
  ///
  /// Cost: `O(intermediateDistributions · runs · (nnz(W) + visible +
  /// hidden))` time, `O(runs · (visible + hidden))` memory.
  public func annealedImportanceSampling(
    runs: Int = 100, intermediateDistributions: Int = 10_000, baseVisibleBias: [Float]? = nil,
    using rng: inout SeededGenerator
  ) -> (logPartition: Double, standardError: Double) {
    precondition(visibleUnits == .bernoulli, RBMError.unsupportedVisibleUnits(visibleUnits).description)
    precondition(runs >= 1, "RBM: AIS needs at least one run")
    precondition(intermediateDistributions >= 1, "RBM: AIS needs at least one intermediate distribution")
    let baseBias = baseVisibleBias ?? visibleBias.value
    precondition(baseBias.count == inputSize, "RBM: \(baseBias.count) base visible biases for \(inputSize) visible units")
    let (n, hiddenCount) = (inputSize, outputSize)
    let betas = Self.annealingSchedule(steps: intermediateDistributions)
    let logBasePartition = baseBias.reduce(0.0) { $0 + Self.softplus(Double($1)) } + Double(hiddenCount) * Foundation.log(2.0)
    let b = visibleBias.value
    // b − b_A: the visible term of each step's weight is (β_k − β_{k−1})(b − b_A)ᵀv.
    let biasShift = (0..<n).map { Double(b[$0]) - Double(baseBias[$0]) }

    let visible = Matrix(rows: n, columns: runs)
    let preActivation = Matrix(rows: 0, columns: 0)
    let hiddenState = Matrix(rows: hiddenCount, columns: runs)
    let topDown = Matrix(rows: 0, columns: 0)
    visible.elements.withUnsafeMutableBufferPointer { v in
      for i in 0..<n {
        let p = 1 / (1 + Foundation.exp(-baseBias[i]))
        for r in 0..<runs { v[i * runs + r] = rng.nextUnitFloat() < p ? 1 : 0 }
      }
    }
    var logWeight = [Double](repeating: 0, count: runs)
    for k in 1..<betas.count {
      let (previous, beta) = (betas[k - 1], betas[k])
      weights.multiply(visible, into: preActivation)
      visible.elements.withUnsafeBufferPointer { v in
        preActivation.elements.withUnsafeBufferPointer { a in
          logWeight.withUnsafeMutableBufferPointer { w in
            let step = beta - previous
            for i in 0..<n where biasShift[i] != 0 {
              let shift = step * biasShift[i]
              for r in 0..<runs { w[r] += shift * Double(v[i * runs + r]) }
            }
            for j in 0..<hiddenCount {
              for r in 0..<runs {
                let x = Double(a[j * runs + r])
                w[r] += Self.softplus(beta * x) - Self.softplus(previous * x)
              }
            }
          }
        }
      }
      // The last distribution is the RBM itself: its weight is complete.
      if k == betas.count - 1 { break }
      let hiddenScale = Float(beta)
      preActivation.elements.withUnsafeBufferPointer { a in
        hiddenState.elements.withUnsafeMutableBufferPointer { h in
          for q in h.indices {
            let p = 1 / (1 + Foundation.exp(-hiddenScale * a[q]))
            h[q] = rng.nextUnitFloat() < p ? 1 : 0
          }
        }
      }
      weights.multiplyTransposed(hiddenState, into: topDown)
      topDown.elements.withUnsafeBufferPointer { t in
        visible.elements.withUnsafeMutableBufferPointer { v in
          for i in 0..<n {
            let baseTerm = Float(1 - beta) * baseBias[i] + hiddenScale * b[i]
            for r in 0..<runs {
              let p = 1 / (1 + Foundation.exp(-(baseTerm + hiddenScale * t[i * runs + r])))
              v[i * runs + r] = rng.nextUnitFloat() < p ? 1 : 0
            }
          }
        }
      }
    }

    let largest = logWeight.max()!
    let scaled = logWeight.map { Foundation.exp($0 - largest) }
    let mean = scaled.reduce(0, +) / Double(runs)
    let logPartition = logBasePartition + largest + Foundation.log(mean)
    guard runs > 1 else { return (logPartition, .infinity) }
    let variance = scaled.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(runs - 1)
    return (logPartition, variance.squareRoot() / (mean * Double(runs).squareRoot()))
  }

  /// The mean log-likelihood `(1/B) Σ_j (−F(v_j) − log Z)` of the columns
  /// of `v` (visible × B), given `logPartition` (from ``exactLogPartition()``
  /// or AIS). The free energy is taken in double precision, as log Z is.
  ///
  /// Cost: `O(B · (nnz(W) + visible + hidden))` time, `O(B · hidden)` memory.
  public func meanLogLikelihood(_ v: Matrix, logPartition: Double) -> Double {
    precondition(visibleUnits == .bernoulli, RBMError.unsupportedVisibleUnits(visibleUnits).description)
    precondition(v.rows == inputSize, "RBM: data has \(v.rows) features for \(inputSize) visible units")
    precondition(v.columns > 0, "RBM: no samples to take a log-likelihood of")
    let energies = v.elements.withUnsafeBufferPointer { freeEnergyInDouble($0, columns: v.columns, over: .visible) }
    return -energies.reduce(0, +) / Double(v.columns) - logPartition
  }

  // MARK: Helpers

  /// β_0 = 0, …, β_steps = 1: Salakhutdinov & Murray's three segments in
  /// the proportions 1 : 4 : 10, or evenly spaced below 3 steps.
  static func annealingSchedule(steps: Int) -> [Double] {
    precondition(steps >= 1)
    guard steps >= 3 else { return (0...steps).map { Double($0) / Double(steps) } }
    let first = max(1, Int((Double(steps) / 15).rounded()))
    let second = max(1, Int((Double(steps) * 4 / 15).rounded()))
    let third = steps - first - second
    var betas: [Double] = [0]
    betas.reserveCapacity(steps + 1)
    for (count, from, to) in [(first, 0.0, 0.5), (second, 0.5, 0.9), (third, 0.9, 1.0)] {
      for t in 1...count { betas.append(from + (to - from) * Double(t) / Double(count)) }
    }
    // The segments' ends are computed, not typed: the last must be exactly 1.
    betas[betas.count - 1] = 1
    return betas
  }

  /// The free energy of each column of `x` (the states of `side`, side ×
  /// `columns`, row-major) with the other side summed out, in double
  /// precision: `−aᵀx − Σ_r softplus(d_r + (M x)_r)` with (a, d, M) = (b, c,
  /// W) over the visible side and (c, b, Wᵀ) over the hidden side.
  func freeEnergyInDouble(_ x: UnsafeBufferPointer<Float>, columns: Int, over side: Side) -> [Double] {
    let (ownBias, otherBias) = side == .visible
      ? (visibleBias.value, weights.bias.value) : (weights.bias.value, visibleBias.value)
    let pattern = weights.pattern
    let values = weights.weight.value
    var pre = [Double](repeating: 0, count: otherBias.count * columns)
    var energy = [Double](repeating: 0, count: columns)
    pre.withUnsafeMutableBufferPointer { p in
      for r in otherBias.indices {
        let d = Double(otherBias[r])
        for k in 0..<columns { p[r * columns + k] = d }
      }
      // W's rows are hidden units: over the visible side row j collects into
      // hidden unit j, over the hidden side it scatters into visible units.
      pattern.rowPointers.withUnsafeBufferPointer { rowPointers in
        pattern.columnIndices.withUnsafeBufferPointer { columnIndices in
          for j in 0..<pattern.rows {
            for e in Int(rowPointers[j])..<Int(rowPointers[j + 1]) {
              let i = Int(columnIndices[e]), w = Double(values[e])
              let (target, source) = side == .visible ? (j, i) : (i, j)
              for k in 0..<columns { p[target * columns + k] += w * Double(x[source * columns + k]) }
            }
          }
        }
      }
      energy.withUnsafeMutableBufferPointer { f in
        for i in ownBias.indices {
          let a = Double(ownBias[i])
          for k in 0..<columns { f[k] -= a * Double(x[i * columns + k]) }
        }
        for r in otherBias.indices {
          for k in 0..<columns { f[k] -= Self.softplus(p[r * columns + k]) }
        }
      }
    }
    return energy
  }
}

/// A running `log Σ e^(x_k)` that never overflows.
private struct LogSumExp {
  private var largest = -Double.infinity
  private var scaledSum = 0.0

  mutating func add(_ x: Double) {
    if x <= largest {
      scaledSum += Foundation.exp(x - largest)
    } else {
      scaledSum = scaledSum * Foundation.exp(largest - x) + 1
      largest = x
    }
  }

  var value: Double { largest + Foundation.log(scaledSum) }
}
