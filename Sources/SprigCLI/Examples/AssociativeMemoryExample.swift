// AssociativeMemoryExample: Hopfield and Hamming recall of MNIST digit prototypes under increasing noise.
import Sprig

/// Stores binarised MNIST digit prototypes in a ``HopfieldNetwork`` or a
/// ``HammingNetwork`` and measures recall from noisy copies; runnable as
/// `sprig example hopfield` and `sprig example hamming`.
///
/// A prototype is the class mean image binarised to ±1 (see
/// ``Binarization``). A probe is a prototype with a
/// fraction `noise` of its 784 bits flipped at random.
public enum AssociativeMemoryExample {
  /// Recall at one noise level.
  public struct RecallPoint: Equatable, Sendable {
    /// The fraction of bits flipped in each probe.
    public var noise: Double
    /// The fraction of probes whose final state is exactly the stored prototype
    /// (for Hamming: whose winner is the right prototype).
    public var exact: Double
    /// The fraction of probes whose final state is nearer (in Hamming distance)
    /// to the right prototype than to any other (same as `exact` for Hamming).
    public var nearest: Double
  }

  /// How a class mean image becomes a ±1 prototype.
  public enum Binarization: Equatable, Sendable {
    /// +1 where the class mean pixel is at least the threshold (in [0, 1]).
    /// Every digit then shares a large −1 background, so prototypes are
    /// strongly correlated, which a Hopfield network cannot store.
    case threshold(Float)
    /// +1 where the class mean pixel exceeds the average of all class means:
    /// each prototype marks where its digit is brighter than the average
    /// digit, which removes the shared background and decorrelates them.
    case aboveAverageDigit
  }

  /// One ±1 prototype per class, from the class mean image.
  ///
  /// - Parameter data: images with pixels in [0, 1] (not standardised).
  public static func digitPrototypes(_ data: LabeledData, binarization: Binarization = .aboveAverageDigit) -> [[Float]] {
    var sums = [[Float]](repeating: [Float](repeating: 0, count: data.featureCount), count: data.classCount)
    var counts = [Int](repeating: 0, count: data.classCount)
    for i in 0..<data.count {
      let label = Int(data.labels[i])
      counts[label] += 1
      for k in 0..<data.featureCount { sums[label][k] += data.features[i * data.featureCount + k] }
    }
    let means = (0..<data.classCount).map { c in sums[c].map { $0 / Float(max(counts[c], 1)) } }
    switch binarization {
    case .threshold(let t):
      return means.map { m in m.map { $0 >= t ? 1 : -1 } }
    case .aboveAverageDigit:
      let average = (0..<data.featureCount).map { k in means.reduce(0) { $0 + $1[k] } / Float(means.count) }
      return means.map { m in (0..<m.count).map { m[$0] > average[$0] ? 1 : -1 } }
    }
  }

  /// `pattern` with a fraction `noise` of its values negated, at distinct random positions.
  public static func corrupt(_ pattern: [Float], noise: Double, using rng: inout SeededGenerator) -> [Float] {
    var p = pattern
    var positions = Array(p.indices)
    let flips = Int((noise * Double(p.count)).rounded())
    for k in 0..<flips {  // a partial Fisher–Yates shuffle picks the positions
      positions.swapAt(k, k + rng.nextInt(below: positions.count - k))
      p[positions[k]] = -p[positions[k]]
    }
    return p
  }

  static func hammingDistance(_ a: [Float], _ b: [Float]) -> Int { zip(a, b).reduce(0) { $0 + ($1.0 != $1.1 ? 1 : 0) } }

  /// Hopfield recall (asynchronous updates, at most 50 sweeps) of every
  /// prototype from `trials` noisy probes at each noise level.
  public static func hopfieldRecall(
    prototypes: [[Float]], noiseLevels: [Double], trials: Int = 20, seed: UInt64 = 0
  ) -> [RecallPoint] {
    let net = HopfieldNetwork(patterns: prototypes)
    var rng = SeededGenerator(seed: seed)
    return noiseLevels.map { noise in
      var exact = 0, nearest = 0
      for (k, p) in prototypes.enumerated() {
        for _ in 0..<trials {
          let state = net.recall(corrupt(p, noise: noise, using: &rng), rule: .asynchronous, maxSteps: 50, using: &rng).state
          if state == p { exact += 1 }
          let distances = prototypes.map { hammingDistance($0, state) }
          if distances[k] == distances.min()! && distances.filter({ $0 == distances[k] }).count == 1 { nearest += 1 }
        }
      }
      let total = Double(prototypes.count * trials)
      return RecallPoint(noise: noise, exact: Double(exact) / total, nearest: Double(nearest) / total)
    }
  }

  /// Hamming-network recall: the fraction of noisy probes whose MAXNET winner is the right prototype.
  public static func hammingRecall(
    prototypes: [[Float]], noiseLevels: [Double], trials: Int = 20, seed: UInt64 = 0
  ) -> [RecallPoint] {
    let net = HammingNetwork(prototypes: prototypes)
    var rng = SeededGenerator(seed: seed)
    return noiseLevels.map { noise in
      var correct = 0
      for (k, p) in prototypes.enumerated() {
        for _ in 0..<trials where net.classify(corrupt(p, noise: noise, using: &rng)) == k { correct += 1 }
      }
      let rate = Double(correct) / Double(prototypes.count * trials)
      return RecallPoint(noise: noise, exact: rate, nearest: rate)
    }
  }
}
