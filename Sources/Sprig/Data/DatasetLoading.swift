// DatasetLoading: from files on disk to a DatasetSplit with pixels in [0, 1].
import Foundation

extension DatasetSplit {
  /// Finds dataset `name` under `roots` and loads it, pixels scaled to [0, 1].
  ///
  /// - Parameters:
  ///   - name: the dataset.
  ///   - roots: the folders to search, in order (see ``DataRoots``).
  ///   - trainLimit: keep only the first `trainLimit` training samples, for
  ///     quick runs; the rest are not decoded.
  ///   - testLimit: the same for the test samples.
  /// - Throws: ``DataError``; ``DataError/datasetNotFound(name:searched:)``
  ///   lists every folder searched and says how to get the data.
  public static func load(
    _ name: DatasetName, roots: [URL] = DataRoots.default, trainLimit: Int? = nil, testLimit: Int? = nil
  ) throws -> DatasetSplit {
    let folder = try DataRoots.locate(name, roots: roots)
    func file(_ name: String, _ dataset: DatasetName) -> URL {
      // `locate` found it; should it vanish since, reading the raw name reports it missing.
      DataRoots.existingFile(named: name, in: folder, of: dataset) ?? folder.appendingPathComponent(name)
    }
    switch name {
    case .mnist, .fashionMNIST, .kmnist:
      return try loadIDX(
        trainImages: file(IDXFiles.trainImages, name), trainLabels: file(IDXFiles.trainLabels, name),
        testImages: file(IDXFiles.testImages, name), testLabels: file(IDXFiles.testLabels, name),
        classCount: name.classCount, name: name.rawValue, trainLimit: trainLimit, testLimit: testLimit)
    case .cifar10:
      let train = try CIFAR10.read(CIFAR10.trainFiles.map { file($0, name) }, limit: trainLimit)
      let test = try CIFAR10.read([file(CIFAR10.testFile, name)], limit: testLimit)
      return DatasetSplit(name: name.rawValue, train: train, test: test)
    }
  }

  /// Loads any IDX image/label files (raw or gzipped) as a split, pixels scaled to [0, 1].
  ///
  /// - Parameters:
  ///   - trainImages, trainLabels, testImages, testLabels: the four files.
  ///   - classCount: labels must lie in `0..<classCount`.
  ///   - name: the split's name; by default the training images' folder name.
  ///   - trainLimit, testLimit: keep only the first samples of each half.
  /// - Throws: ``DataError``, also when train and test images differ in shape.
  public static func loadIDX(
    trainImages: URL, trainLabels: URL, testImages: URL, testLabels: URL,
    classCount: Int = 10, name: String? = nil, trainLimit: Int? = nil, testLimit: Int? = nil
  ) throws -> DatasetSplit {
    let train = try LabeledData(idxImages: trainImages, labels: trainLabels, classCount: classCount, limit: trainLimit)
    let test = try LabeledData(idxImages: testImages, labels: testLabels, classCount: classCount, limit: testLimit)
    guard test.shape == train.shape else {
      throw DataError.shapeMismatch(path: testImages.path, expected: train.shape, found: test.shape)
    }
    let folder = trainImages.deletingLastPathComponent().lastPathComponent
    return DatasetSplit(name: name ?? (folder.isEmpty ? "idx" : folder), train: train, test: test)
  }
}

extension LabeledData {
  /// Reads an IDX image file (count × rows × columns bytes) and its label
  /// file, pixels scaled to [0, 1].
  ///
  /// - Parameters:
  ///   - idxImages: the images, raw or gzipped.
  ///   - labels: one label byte per image, raw or gzipped.
  ///   - classCount: labels must lie in `0..<classCount`.
  ///   - limit: keep only the first `limit` samples.
  public init(idxImages: URL, labels: URL, classCount: Int = 10, limit: Int? = nil) throws {
    let (labelTotal, labelValues) = try IDX.withContents(of: labels, rank: 1, limit: limit) {
      dimensions, count, payload -> (Int, [Int32]) in
      let bytes = payload.bindMemory(to: UInt8.self)
      if let bad = bytes.firstIndex(where: { Int($0) >= classCount }) {
        throw DataError.badLabel(path: labels.path, index: bad, label: Int(bytes[bad]), classCount: classCount)
      }
      return (dimensions[0], bytes.map { Int32($0) })
    }
    let (imageTotal, shape, features) = try IDX.withContents(of: idxImages, rank: 3, limit: limit) {
      dimensions, count, payload -> (Int, ImageShape, [Float]) in
      let shape = ImageShape(height: dimensions[1], width: dimensions[2], channels: 1)
      guard shape.featureCount > 0 else {
        throw DataError.absurdDimensions(
          path: idxImages.path, dimensions: dimensions, fileBytes: try DataFile.size(idxImages))
      }
      let features = [Float](unsafeUninitializedCapacity: payload.count) { buffer, initialized in
        Pixels.toUnit(payload, buffer)
        initialized = payload.count
      }
      return (dimensions[0], shape, features)
    }
    guard imageTotal == labelTotal else {
      throw DataError.countMismatch(
        images: idxImages.path, imageCount: imageTotal, labels: labels.path, labelCount: labelTotal)
    }
    self.init(features: features, labels: labelValues, shape: shape, classCount: classCount)
  }
}
