// SemiHardTripletMining: the triplets of a batch a triplet loss learns
// from, chosen as FaceNet does.
import CBLAS

/// Indices of an anchor, a positive (same label) and a negative (another
/// label) within one batch.
public struct Triplet: Equatable, Sendable {
  public var anchor: Int
  public var positive: Int
  public var negative: Int

  public init(anchor: Int, positive: Int, negative: Int) {
    (self.anchor, self.positive, self.negative) = (anchor, positive, negative)
  }
}

/// In-batch semi-hard mining (Schroff, Kalenichenko & Philbin 2015), with
/// TensorFlow Addons' fallback: every anchor–positive pair of the batch,
/// each with the closest negative farther than the positive — the
/// semi-hard one, `d(a,p) < d(a,n) < d(a,p) + margin`, when there is one
/// inside the margin (no semi-hard negative exists otherwise, so the margin
/// does not change the pick) — and, when every negative is closer than the
/// positive, the farthest of them. The hardest negatives (closest) make
/// training collapse early; these sit between them and the easy ones.
public enum SemiHardTripletMining {
  /// The triplets of `embeddings` (d × B) with `labels`. Deterministic:
  /// ties go to the lower index; `rng` is unused and kept for samplers that
  /// subsample.
  public static func triplets(
    embeddings: Matrix, labels: [Int32], margin: Float, using rng: inout SeededGenerator
  ) -> [Triplet] {
    let b = embeddings.columns
    precondition(labels.count == b, "SemiHardTripletMining: \(labels.count) labels for \(b) embeddings")
    let distance = pairwiseDistances(embeddings)
    var triplets: [Triplet] = []
    for a in 0..<b {
      for p in 0..<b where p != a && labels[p] == labels[a] {
        let dp = distance[a * b + p]
        var farther: (Int, Float)?, farthest: (Int, Float)?
        for n in 0..<b where labels[n] != labels[a] {
          let dn = distance[a * b + n]
          if farthest == nil || dn > farthest!.1 { farthest = (n, dn) }
          if dn > dp, farther == nil || dn < farther!.1 { farther = (n, dn) }
        }
        if let n = (farther ?? farthest)?.0 { triplets.append(Triplet(anchor: a, positive: p, negative: n)) }
      }
    }
    return triplets
  }

  /// Euclidean distances between all columns, `B × B` row-major:
  /// `√max(0, ‖x‖² + ‖y‖² − 2xᵀy)`, the products by one sgemm.
  static func pairwiseDistances(_ e: Matrix) -> [Float] {
    let (d, b) = (e.rows, e.columns)
    var gram = [Float](repeating: 0, count: b * b)
    e.elements.withUnsafeBufferPointer { x in
      // G = Eᵀ E, with E d × B row-major.
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(b), Int32(b), Int32(d), 1, x.baseAddress, Int32(b), x.baseAddress, Int32(b), 0, &gram, Int32(b))
    }
    var out = [Float](repeating: 0, count: b * b)
    for i in 0..<b {
      for j in 0..<b { out[i * b + j] = i == j ? 0 : max(0, gram[i * b + i] + gram[j * b + j] - 2 * gram[i * b + j]).squareRoot() }
    }
    return out
  }

  /// The triplets' columns of `embeddings` side by side: each d × T.
  public static func gather(_ triplets: [Triplet], from embeddings: Matrix, anchor: Matrix, positive: Matrix, negative: Matrix) {
    let (d, b, t) = (embeddings.rows, embeddings.columns, triplets.count)
    for m in [anchor, positive, negative] { m.reshape(rows: d, columns: t) }
    embeddings.elements.withUnsafeBufferPointer { e in
      for (m, pick) in [(anchor, \Triplet.anchor), (positive, \Triplet.positive), (negative, \Triplet.negative)] {
        m.elements.withUnsafeMutableBufferPointer { out in
          for i in 0..<d { for (k, triplet) in triplets.enumerated() { out[i * t + k] = e[i * b + triplet[keyPath: pick]] } }
        }
      }
    }
  }

  /// Adds each triplet's gradient columns back into `gradient` (zeroed
  /// first, d × B): a sample in several triplets collects all its terms.
  public static func scatterGradients(
    _ triplets: [Triplet], anchor: Matrix, positive: Matrix, negative: Matrix, into gradient: Matrix
  ) {
    let (d, b, t) = (gradient.rows, gradient.columns, triplets.count)
    gradient.fill(0)
    gradient.elements.withUnsafeMutableBufferPointer { g in
      for (m, pick) in [(anchor, \Triplet.anchor), (positive, \Triplet.positive), (negative, \Triplet.negative)] {
        m.elements.withUnsafeBufferPointer { src in
          for i in 0..<d { for (k, triplet) in triplets.enumerated() { g[i * b + triplet[keyPath: pick]] += src[i * t + k] } }
        }
      }
    }
  }
}
