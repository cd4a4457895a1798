// AutoencoderExample: an autoencoder on MNIST and its reconstructions as an SVG image grid.
import Sprig

/// Trains an autoencoder on MNIST-like images (pixels in [0, 1]) and draws
/// test images above their reconstructions; runnable as
/// `sprig example autoencoder`.
///
/// The network is `784 → 256 → 32 → 256 → 784` with ReLU hidden units, a
/// ReLU code and a sigmoid output, trained with Adam on the MSE. Variants:
/// undercomplete (the 32-unit code), sparse (L1 code penalty), denoising
/// (masking noise); with `epsilon` the large layers are ``SparseLinear``
/// evolved by SET.
public enum AutoencoderExample {
  /// Which autoencoder the example trains.
  public enum Variant: String, CaseIterable, Sendable {
    case undercomplete, sparse, denoising
  }

  /// What the example measured and drew.
  public struct Result: Sendable {
    /// The variant trained.
    public var variant: Variant
    /// The mean training loss of each epoch.
    public var history: [AutoencoderLoss]
    /// The mean squared reconstruction error on the test images.
    public var testError: Double
    /// The fraction of code units that are zero on the test images (sparsity of the code).
    public var zeroCodeFraction: Double
    /// The SVG document: originals in the first row, reconstructions below.
    public var svg: String
    /// Seconds per epoch (median).
    public var epochSeconds: Double
  }

  /// The example's autoencoder for `inputSize` pixels.
  public static func makeModel(inputSize: Int, variant: Variant, epsilon: Double? = nil, seed: UInt64) -> Autoencoder {
    Autoencoder(
      inputSize: inputSize, hiddenSizes: [256], codeSize: 32, epsilon: epsilon, activation: .relu, codeActivation: .relu,
      outputActivation: .sigmoid, codePenalty: variant == .sparse ? 1e-3 : 0,
      corruption: variant == .denoising ? .masking(fraction: 0.3) : nil, seed: seed)
  }

  /// Trains on `split` (pixels in [0, 1], not standardised) and draws `shown` test images and their reconstructions.
  public static func run(
    on split: DatasetSplit, variant: Variant, epsilon: Double? = nil, epochs: Int = 5, shown: Int = 12, seed: UInt64 = 0,
    progress: ((Int, AutoencoderLoss, Double) -> Void)? = nil
  ) -> Result {
    let model = makeModel(inputSize: split.train.featureCount, variant: variant, epsilon: epsilon, seed: seed)
    var times: [Double] = []
    var start = Stopwatch.seconds()
    let history = model.fit(
      split.train, epochs: epochs, batchSize: 128, optimizer: Adam(learningRate: 1e-3),
      evolution: SETEvolution(zeta: 0.3), seed: seed
    ) { epoch, loss in
      let now = Stopwatch.seconds()
      times.append(now - start)
      start = now
      progress?(epoch, loss, times.last!)
    }
    let testError = model.reconstructionError(on: split.test)

    // Code sparsity and the picture, from the first test images.
    let n = min(max(shown, 1), split.test.count)
    let x = Matrix(rows: 0, columns: 0), labels = Matrix(rows: 0, columns: 0)
    split.test.fillBatch(Array(0..<n)[...], features: x, oneHotLabels: labels)
    let reconstruction = model.reconstruct(x).copy()
    let sample = Matrix(rows: 0, columns: 0)
    split.test.fillBatch(Array(0..<min(1000, split.test.count))[...], features: sample, oneHotLabels: labels)
    let code = model.encode(sample)
    let zeros = Double(code.elements.filter { $0 == 0 }.count) / Double(max(code.count, 1))
    let shape = split.test.shape
    let originals = (0..<n).map { x.column($0) }
    let rebuilt = (0..<n).map { reconstruction.column($0) }
    let svg = imageGridSVG(
      originals + rebuilt, width: shape.width, height: shape.height * shape.channels, columns: n, pixelSize: 3,
      rowLabels: ["test images", "\(variant.rawValue) autoencoder reconstructions (test MSE \(String(format: "%.4f", testError)))"])
    let sorted = times.sorted()
    return Result(
      variant: variant, history: history, testError: testError, zeroCodeFraction: zeros, svg: svg,
      epochSeconds: sorted.isEmpty ? 0 : sorted[sorted.count / 2])
  }
}
