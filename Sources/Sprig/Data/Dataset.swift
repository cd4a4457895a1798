// Dataset: labelled images in memory, a train/test split, and the datasets Sprig knows by name.
import Foundation

/// The shape of one image sample.
///
/// Features are stored channels-first: feature `c·H·W + y·W + x` is channel
/// `c` of pixel `(y, x)`, the layout of CIFAR-10's binary files (one plane
/// per colour), so a locally connected layer finds a pixel's channels
/// `H·W` apart. Greyscale images have one channel.
public struct ImageShape: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
  /// Rows of pixels.
  public var height: Int
  /// Columns of pixels.
  public var width: Int
  /// Colour planes (1 for greyscale, 3 for RGB).
  public var channels: Int

  /// A shape of `height × width` pixels with `channels` planes.
  public init(height: Int, width: Int, channels: Int = 1) {
    precondition(height >= 0 && width >= 0 && channels >= 0, "ImageShape: negative size")
    self.height = height
    self.width = width
    self.channels = channels
  }

  /// Features per sample, `channels × height × width`.
  public var featureCount: Int { channels * height * width }

  /// The index of channel `channel` of pixel (`y`, `x`) in a sample's features.
  @inlinable public func featureIndex(channel: Int, y: Int, x: Int) -> Int { (channel * height + y) * width + x }

  /// `height×width×channels`, as messages print it.
  public var description: String { "\(height)×\(width)×\(channels)" }
}

/// Labelled samples held in memory.
///
/// Storage is sample-major (row `i` of `features` is sample `i`), the order
/// files are read in and cheap to subset; ``fillBatch(_:features:oneHotLabels:)``
/// transposes a batch to the feature-major layout the layers take.
public struct LabeledData: Sendable {
  /// `count × featureCount` values, sample after sample; pixels are in [0, 1]
  /// after loading, and standardised if a ``FeatureScaling`` was applied.
  public var features: [Float]
  /// The class of each sample, in `0..<classCount`.
  public var labels: [Int32]
  /// The number of samples.
  public let count: Int
  /// Values per sample, `shape.featureCount`.
  public let featureCount: Int
  /// The shape of each sample.
  public let shape: ImageShape
  /// The number of classes labels are drawn from.
  public let classCount: Int

  /// Samples from sample-major `features` (`labels.count × shape.featureCount`
  /// values) and their labels.
  public init(features: [Float], labels: [Int32], shape: ImageShape, classCount: Int) {
    precondition(
      features.count == labels.count * shape.featureCount,
      "LabeledData: \(features.count) features for \(labels.count) samples of \(shape.featureCount)")
    precondition(classCount > 0, "LabeledData: classCount must be positive")
    self.features = features
    self.labels = labels
    self.count = labels.count
    self.featureCount = shape.featureCount
    self.shape = shape
    self.classCount = classCount
  }

  /// The first `n` samples (all of them if there are fewer).
  public func prefix(_ n: Int) -> LabeledData {
    let kept = min(max(n, 0), count)
    return LabeledData(
      features: Array(features[..<(kept * featureCount)]), labels: Array(labels[..<kept]),
      shape: shape, classCount: classCount)
  }

  /// How many samples each class has, indexed by class.
  public func classHistogram() -> [Int] {
    var histogram = [Int](repeating: 0, count: classCount)
    for label in labels { histogram[Int(label)] += 1 }
    return histogram
  }
}

/// A dataset's training and test samples.
public struct DatasetSplit: Sendable {
  /// The dataset's name, as given to ``load(_:roots:trainLimit:testLimit:)``
  /// or the folder an IDX file came from.
  public var name: String
  /// The samples to fit (and to take normalisation statistics from).
  public var train: LabeledData
  /// The held-out samples to evaluate on.
  public var test: LabeledData

  /// A split from its parts; both halves must have the same shape and classes.
  public init(name: String, train: LabeledData, test: LabeledData) {
    precondition(train.shape == test.shape, "DatasetSplit: train is \(train.shape), test is \(test.shape)")
    precondition(train.classCount == test.classCount, "DatasetSplit: train and test class counts differ")
    self.name = name
    self.train = train
    self.test = test
  }
}

/// The benchmark datasets Sprig finds and loads by name.
public enum DatasetName: String, CaseIterable, Codable, Sendable {
  /// Handwritten digits, 28×28 greyscale, 60,000 train / 10,000 test (IDX).
  case mnist
  /// Zalando's clothing images, 28×28 greyscale, 60,000 / 10,000 (IDX).
  case fashionMNIST = "fashion-mnist"
  /// Kuzushiji-MNIST: cursive Japanese characters in 10 classes, 28×28 greyscale, 60,000 / 10,000 (IDX).
  case kmnist
  /// Small colour photos in 10 classes, 32×32×3, 50,000 / 10,000 (binary batches).
  case cifar10

  /// The number of classes.
  public var classCount: Int { 10 }

  /// The shape of one sample.
  public var imageShape: ImageShape {
    switch self {
    case .mnist, .fashionMNIST, .kmnist: return ImageShape(height: 28, width: 28, channels: 1)
    case .cifar10: return CIFAR10.imageShape
    }
  }

  /// Whether its files are IDX (raw or gzipped), read by ``DatasetSplit/loadIDX(trainImages:trainLabels:testImages:testLabels:classCount:name:trainLimit:testLimit:)``.
  public var isIDX: Bool { self != .cifar10 }

  /// What to do when the dataset is nowhere to be found.
  var howToGet: String {
    let download = "Run `sprig data download \(rawValue)` (or add --download to this command)"
    let files = DataRoots.requiredFiles(for: self).joined(separator: ", ")
    let folder = DataRoots.folders(for: self)[0]
    let byHand = "or put \(folder)/ with \(files) in one of those folders (--data-root DIR or SPRIG_DATA=DIR to add one)"
    switch self {
    case .fashionMNIST:
      return "\(download), `apt-get install dataset-fashion-mnist` (installs /usr/share/datasets/fashion-mnist), \(byHand)."
    case .mnist, .kmnist:
      return "\(download), \(byHand); each file may be raw or .gz."
    case .cifar10:
      return "\(download), \(byHand) (the binary version, cifar-10-binary.tar.gz, unpacked)."
    }
  }
}
