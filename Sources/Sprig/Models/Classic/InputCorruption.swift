// InputCorruption: the noise a denoising autoencoder learns to remove.

/// How a denoising autoencoder corrupts its input `x` into `x̃` before
/// encoding (Vincent et al. 2008); the reconstruction is still compared
/// with the clean `x`.
public enum InputCorruption: Equatable, Sendable {
  /// Masking noise: each feature is set to zero with probability `fraction`.
  case masking(fraction: Float)
  /// Additive Gaussian noise: `x̃ = x + σ·N(0, 1)`.
  case gaussian(standardDeviation: Float)

  /// Writes the corrupted `x` into `corrupted` (reshaped to `x`'s shape);
  /// every draw comes from `rng`, so a seed fixes the noise.
  public func apply(to x: Matrix, into corrupted: Matrix, using rng: inout SeededGenerator) {
    corrupted.reshape(rows: x.rows, columns: x.columns)
    x.elements.withUnsafeBufferPointer { xs in
      corrupted.elements.withUnsafeMutableBufferPointer { ys in
        switch self {
        case .masking(let fraction):
          for k in 0..<xs.count { ys[k] = rng.nextUnitFloat() < fraction ? 0 : xs[k] }
        case .gaussian(let sigma):
          for k in 0..<xs.count { ys[k] = xs[k] + sigma * rng.nextNormal() }
        }
      }
    }
  }
}
