// GaussianSample: a VAE's reparameterised latent sample, z = μ + σ·ε, and
// the KL divergence it adds to the loss.
import Foundation

/// A layer that loss terms of its own add to (the ``Trainer`` adds them to
/// the reported loss; the layer's backward adds their gradients).
public protocol AddsLoss: Layer {
  /// This layer's term of the loss on the last forward, averaged over the
  /// batch.
  var addedLoss: Double { get }
}

/// The reparameterisation trick (Kingma & Welling 2014): the input's first
/// `latent` rows are the means μ, the next `latent` the log-variances
/// log σ² of a diagonal Gaussian per sample; the output is one sample
/// `z = μ + exp(½·log σ²)·ε`, ε ~ N(0, I), so gradients reach μ and σ.
///
/// It adds `KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²)` per
/// sample, averaged over the batch, to the loss (``addedLoss``), and that
/// term's gradient in its backward. It samples when evaluating too (an
/// ELBO estimate needs the sample), from a stream the trainer reseeds, so
/// evaluations repeat.
public final class GaussianSample: AddsLoss {
  public let latent: Int
  public var inputSize: Int { 2 * latent }
  public var outputSize: Int { latent }
  public var needsInputGradient = true
  public var name: String { "GaussianSample \(2 * latent)→\(latent)" }
  public var parameters: [Parameter] { [] }
  public private(set) var addedLoss: Double = 0

  private var rng: SeededGenerator
  private let output = Matrix(rows: 0, columns: 0)
  private let inputGradient = Matrix(rows: 0, columns: 0)
  // Cached for backward: the input (μ, log σ²) and the noise.
  private var input: Matrix?
  private var noise: [Float] = []

  public init(latent: Int, seed: UInt64 = 0) {
    precondition(latent > 0, "GaussianSample: latent size must be positive")
    self.latent = latent
    rng = SeededGenerator(seed: seed)
  }

  /// Restarts the noise stream.
  public func reseed(_ seed: UInt64) { rng = SeededGenerator(seed: seed) }

  public func forward(_ x: Matrix, training: Bool) -> Matrix {
    precondition(x.rows == 2 * latent, "\(name): input has \(x.rows) rows")
    let (l, b) = (latent, x.columns)
    output.reshape(rows: l, columns: b)
    if noise.count != l * b { noise = [Float](repeating: 0, count: l * b) }
    for k in noise.indices { noise[k] = rng.nextNormal() }
    var kl = 0.0
    x.elements.withUnsafeBufferPointer { e in
      output.elements.withUnsafeMutableBufferPointer { z in
        for k in 0..<(l * b) {
          let (mean, logVariance) = (e[k], e[l * b + k])
          z[k] = mean + Foundation.exp(0.5 * logVariance) * noise[k]
          kl -= 0.5 * Double(1 + logVariance - mean * mean - Foundation.exp(logVariance))
        }
      }
    }
    addedLoss = kl / Double(max(b, 1))
    input = training ? x : nil
    return output
  }

  public func backward(_ dZ: Matrix) -> Matrix {
    guard let x = input else { preconditionFailure("\(name): backward without a training forward") }
    input = nil
    let (l, b) = (latent, x.columns)
    let scale = 1 / Float(b)  // the KL term is a batch mean
    inputGradient.reshape(rows: 2 * l, columns: b)
    x.elements.withUnsafeBufferPointer { e in
      dZ.elements.withUnsafeBufferPointer { g in
        inputGradient.elements.withUnsafeMutableBufferPointer { d in
          for k in 0..<(l * b) {
            let (mean, logVariance) = (e[k], e[l * b + k])
            let sigma = Foundation.exp(0.5 * logVariance)
            d[k] = g[k] + scale * mean
            d[l * b + k] = g[k] * noise[k] * 0.5 * sigma + scale * 0.5 * (sigma * sigma - 1)
          }
        }
      }
    }
    return inputGradient
  }
}
