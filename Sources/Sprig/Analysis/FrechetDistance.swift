// FrechetDistance: the distance between two Gaussians fitted to feature
// sets — FID's formula — for a GAN's samples against real data.
import CBLAS
import Foundation

/// Mean and covariance of a set of feature vectors (features × samples).
public struct GaussianStatistics: Sendable {
  public var mean: [Double]
  /// `d × d`, row-major, unbiased (N − 1).
  public var covariance: [Double]

  public init(mean: [Double], covariance: [Double]) {
    precondition(covariance.count == mean.count * mean.count, "GaussianStatistics: covariance is not d×d")
    self.mean = mean
    self.covariance = covariance
  }

  /// The statistics of the columns of `features`.
  public init(_ features: Matrix) {
    let (d, n) = (features.rows, features.columns)
    precondition(n >= 2, "GaussianStatistics: need at least 2 samples, got \(n)")
    var mean = [Double](repeating: 0, count: d)
    var centred = [Double](repeating: 0, count: d * n)
    features.elements.withUnsafeBufferPointer { x in
      for i in 0..<d {
        var s = 0.0
        for j in 0..<n { s += Double(x[i * n + j]) }
        mean[i] = s / Double(n)
        for j in 0..<n { centred[i * n + j] = Double(x[i * n + j]) - mean[i] }
      }
    }
    var covariance = [Double](repeating: 0, count: d * d)
    // C = X̃ X̃ᵀ / (n − 1).
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(d), Int32(n), 1 / Double(n - 1), centred, Int32(n), 0, &covariance, Int32(d))
    for i in 0..<d { for j in 0..<i { covariance[i * d + j] = covariance[j * d + i] } }
    self.init(mean: mean, covariance: covariance)
  }
}

/// `d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2·(Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2})`, the
/// squared Fréchet (2-Wasserstein) distance between `N(μ₁, Σ₁)` and
/// `N(μ₂, Σ₂)` (Heusel et al. 2017 use it on Inception features as FID).
/// Cost O(N·d² + d³): meant for d up to a few hundred.
public enum FrechetDistance {
  public static func squared(_ a: Matrix, _ b: Matrix) -> Double {
    precondition(a.rows == b.rows, "FrechetDistance: \(a.rows) and \(b.rows) features")
    return squared(GaussianStatistics(a), GaussianStatistics(b))
  }

  public static func squared(_ a: GaussianStatistics, _ b: GaussianStatistics) -> Double {
    let d = a.mean.count
    precondition(b.mean.count == d, "FrechetDistance: \(d) and \(b.mean.count) features")
    let meanTerm = zip(a.mean, b.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let traceA = (0..<d).reduce(0) { $0 + a.covariance[$1 * d + $1] }
    let traceB = (0..<d).reduce(0) { $0 + b.covariance[$1 * d + $1] }
    // Tr √(√Σ₁ Σ₂ √Σ₁): S is symmetric PSD, so its root's trace is the sum
    // of the roots of its eigenvalues.
    let rootA = symmetricSquareRoot(a.covariance, d)
    let s = multiply(multiply(rootA, b.covariance, d), rootA, d)
    let crossTrace = symmetricEigenvalues(s, d).reduce(0) { $0 + max($1, 0).squareRoot() }
    return max(0, meanTerm + traceA + traceB - 2 * crossTrace)
  }

  static func multiply(_ x: [Double], _ y: [Double], _ d: Int) -> [Double] {
    var out = [Double](repeating: 0, count: d * d)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1, x, Int32(d), y, Int32(d), 0, &out, Int32(d))
    return out
  }

  /// Eigenvalues and (row-major, one per row) eigenvectors of symmetric `m`.
  static func symmetricEigen(_ m: [Double], _ d: Int) -> (values: [Double], vectors: [Double]) {
    var a = m  // LAPACK is column-major; a symmetric matrix is its own transpose
    var w = [Double](repeating: 0, count: d)
    var n = Int32(d), lda = Int32(d), info: Int32 = 0, lwork: Int32 = -1
    var query = 0.0
    "V".withCString { jobz in
      "U".withCString { uplo in
        dsyev_(jobz, uplo, &n, &a, &lda, &w, &query, &lwork, &info, 1, 1)
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        dsyev_(jobz, uplo, &n, &a, &lda, &w, &work, &lwork, &info, 1, 1)
      }
    }
    precondition(info == 0, "FrechetDistance: LAPACK dsyev failed (info \(info))")
    return (w, a)  // column k of the column-major result = row k here
  }

  static func symmetricEigenvalues(_ m: [Double], _ d: Int) -> [Double] {
    // Symmetrise first: S is symmetric only up to rounding.
    var sym = m
    for i in 0..<d { for j in 0..<i { let v = 0.5 * (m[i * d + j] + m[j * d + i]); sym[i * d + j] = v; sym[j * d + i] = v } }
    return symmetricEigen(sym, d).values
  }

  /// √M of a symmetric PSD matrix (negative eigenvalues from rounding clipped to 0).
  static func symmetricSquareRoot(_ m: [Double], _ d: Int) -> [Double] {
    let (values, vectors) = symmetricEigen(m, d)
    var out = [Double](repeating: 0, count: d * d)
    for k in 0..<d {
      let r = max(values[k], 0).squareRoot()
      guard r > 0 else { continue }
      for i in 0..<d {
        let vi = vectors[k * d + i] * r
        for j in 0..<d { out[i * d + j] += vi * vectors[k * d + j] }
      }
    }
    return out
  }
}
