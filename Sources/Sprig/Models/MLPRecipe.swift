// MLPRecipe: Sprig's default (SET-)MLP for a kind of image, the one
// `sprig train` builds without --model and `sprig-bench accuracy` measures.
import Foundation

/// The architecture, regularisation and augmentation Sprig trains an MLP
/// with by default, chosen by the input's shape and dataset; or, through
/// ``setPaper(for:dataset:)``, the SET paper's settings on the same network.
///
/// The architecture and connection budget are the SET paper's (Mocanu et
/// al. 2018): three hidden layers of 1,000 for 28×28 greyscale images,
/// 4,000-1,000-4,000 for 32×32 colour ones (CIFAR-10), Erdős–Rényi at ε = 20.
/// Dropout and augmentation were measured on MNIST, Fashion-MNIST and
/// CIFAR-10 (docs/results/summary.json; the search in docs/results.md).
public struct MLPRecipe: Equatable, Sendable {
  /// Hidden layer widths.
  public var hiddenSizes: [Int]
  /// SET's ε for the sparse layers.
  public var epsilon: Double
  /// Dropout after each hidden activation.
  public var dropout: Float
  /// Training-image shifts and flips (nil: none).
  public var augmentation: ImageAugmentation?
  /// Samples per step.
  public var batchSize: Int = 128
  /// The hidden activation.
  public var activation: ActivationKind = .relu
  /// The training options the recipe starts from (Sprig's defaults, or
  /// ``TrainingOptions/setPaper``).
  public var baseTraining = TrainingOptions()

  /// The recipe for images of `shape` (from `dataset`, when known: digits
  /// and clothes of the same shape differ in what augmentation suits them).
  public init(for shape: ImageShape, dataset: DatasetName? = nil) {
    epsilon = 20
    hiddenSizes = [1000, 1000, 1000]
    dropout = 0
    if shape.channels == 3 && shape.height >= 32 {
      // Colour photos: the reference CIFAR-10 augmentation (3-pixel shifts,
      // mirror images). No dropout: with augmentation this network still
      // underfits after 30 epochs (training accuracy 60 %, test 61 %), and
      // batches of 64 (twice the steps) gained 1.2 points there.
      hiddenSizes = [4000, 1000, 4000]
      batchSize = 64
      augmentation = .reference(for: shape)
    } else if dataset == .fashionMNIST {
      // Clothes: mirror images (a mirrored shirt is a shirt) and dropout
      // 0.2. After 100 epochs (seed 0): 90.42 %, against 90.25 % mirrored
      // without dropout, 89.53 % with dropout 0.4, 89.94 % with 2-pixel
      // shifts instead of mirroring, 89.27 % shifts with dropout 0.2.
      dropout = 0.2
      augmentation = ImageAugmentation(maxShift: 0, horizontalFlip: true)
    } else if shape.height > 1 && shape.width > 1 {
      // Digits and characters: 2-pixel shifts, no mirroring (a mirrored
      // digit is another glyph or none): 99.07 % on MNIST after 200 epochs.
      augmentation = ImageAugmentation(maxShift: 2, horizontalFlip: false)
    }
  }

  /// The SET paper's settings (Mocanu et al. 2018) on the same architecture:
  /// SReLU, dropout 0.3, ``TrainingOptions/setPaper``, batch 128, and the
  /// reference augmentation for colour images only, as the paper used it on
  /// CIFAR-10 alone.
  public static func setPaper(for shape: ImageShape, dataset: DatasetName? = nil) -> MLPRecipe {
    var recipe = MLPRecipe(for: shape, dataset: dataset)
    (recipe.activation, recipe.dropout, recipe.batchSize) = (.srelu, 0.3, 128)
    recipe.baseTraining = .setPaper
    if shape.channels != 3 { recipe.augmentation = nil }
    return recipe
  }

  /// The MLP of this recipe for `shape` inputs and `classes` outputs:
  /// sparse at ε (``MLPConfiguration``'s rule for which layers stay dense),
  /// or all dense.
  public func configuration(shape: ImageShape, classes: Int, sparse: Bool = true) -> MLPConfiguration {
    var config = MLPConfiguration(
      inputSize: shape.featureCount, hiddenSizes: hiddenSizes, outputSize: classes, activation: activation,
      epsilon: sparse ? epsilon : nil, dropout: dropout)
    config.imageShape = shape
    return config
  }

  /// The recipe's training options with its augmentation and batch size
  /// (for a dense MLP, no evolution).
  public func training(sparse: Bool = true) -> TrainingOptions {
    var options = baseTraining
    options.augmentation = augmentation
    options.batchSize = batchSize
    if !sparse { options.zeta = 0 }
    return options
  }
}
