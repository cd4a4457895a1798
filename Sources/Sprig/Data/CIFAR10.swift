// CIFAR10: the "binary version" batches, records of 1 label byte and 3072 pixel bytes.
import Foundation

/// Reading and writing CIFAR-10's binary batches.
///
/// A batch file is a run of 3073-byte records: the label (0–9), then the
/// 32×32 red plane, green plane and blue plane, each row-major. That is
/// exactly ``ImageShape``'s channels-first order, so a record's pixels are
/// its features as they stand.
public enum CIFAR10 {
  /// Bytes per record: one label and 3 × 32 × 32 pixels.
  public static let recordSize = 1 + 3 * 32 * 32
  /// Bytes in one full batch file (10,000 records).
  public static let batchBytes = 10_000 * recordSize
  /// The shape of one image.
  public static let imageShape = ImageShape(height: 32, width: 32, channels: 3)
  /// The number of classes.
  public static let classCount = 10
  /// The class names, by label (the contents of `batches.meta.txt`).
  public static let classNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]
  /// The training batches, in order.
  public static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
  /// The test batch.
  public static let testFile = "test_batch.bin"

  /// Reads batch files one after the other as one set of samples, pixels scaled to [0, 1].
  ///
  /// - Parameters:
  ///   - urls: the batch files, in order.
  ///   - limit: keep only the first `limit` records; later files are then not read.
  /// - Throws: ``DataError/badCIFARSize(path:bytes:)`` when a file is not a
  ///   whole number of records (every file is checked before any is read),
  ///   ``DataError/badLabel(path:index:label:classCount:)`` for a label above 9.
  public static func read(_ urls: [URL], limit: Int? = nil) throws -> LabeledData {
    precondition(limit.map { $0 >= 0 } ?? true, "CIFAR10: limit must be non-negative")
    var recordsPerFile: [Int] = []
    for url in urls {
      let size = try DataFile.size(url)
      guard size % recordSize == 0 else { throw DataError.badCIFARSize(path: url.path, bytes: size) }
      recordsPerFile.append(size / recordSize)
    }
    let total = min(recordsPerFile.reduce(0, +), limit ?? .max)
    let featureCount = imageShape.featureCount
    var labels = [Int32](repeating: 0, count: total)
    var features = [Float](repeating: 0, count: total * featureCount)
    var filled = 0
    for (url, records) in zip(urls, recordsPerFile) where filled < total {
      let taken = min(records, total - filled)
      let data = try DataFile.map(url)
      // The file may have changed since its size was taken.
      guard data.count == records * recordSize else { throw DataError.badCIFARSize(path: url.path, bytes: data.count) }
      try data.withUnsafeBytes { file in
        try labels.withUnsafeMutableBufferPointer { allLabels in
          try features.withUnsafeMutableBufferPointer { allFeatures in
            try decode(
              file, records: taken, path: url.path,
              labels: UnsafeMutableBufferPointer(rebasing: allLabels[filled..<(filled + taken)]),
              features: UnsafeMutableBufferPointer(
                rebasing: allFeatures[(filled * featureCount)..<((filled + taken) * featureCount)]))
          }
        }
      }
      filled += taken
    }
    return LabeledData(features: features, labels: labels, shape: imageShape, classCount: classCount)
  }

  /// Parses the bytes of one batch file as ``read(_:limit:)`` parses each
  /// file (both decode records through the same function); `path` names the
  /// source in errors.
  ///
  /// - Throws: ``DataError/badCIFARSize(path:bytes:)``, ``DataError/badLabel(path:index:label:classCount:)``.
  public static func parse(_ bytes: UnsafeRawBufferPointer, limit: Int? = nil, path: String = "<memory>") throws
    -> LabeledData
  {
    precondition(limit.map { $0 >= 0 } ?? true, "CIFAR10: limit must be non-negative")
    guard bytes.count % recordSize == 0 else { throw DataError.badCIFARSize(path: path, bytes: bytes.count) }
    let total = min(bytes.count / recordSize, limit ?? .max)
    var labels = [Int32](repeating: 0, count: total)
    var features = [Float](repeating: 0, count: total * imageShape.featureCount)
    try labels.withUnsafeMutableBufferPointer { labels in
      try features.withUnsafeMutableBufferPointer { features in
        try decode(bytes, records: total, path: path, labels: labels, features: features)
      }
    }
    return LabeledData(features: features, labels: labels, shape: imageShape, classCount: classCount)
  }

  /// Decodes the first `records` records of `file` (which holds at least
  /// that many) into `labels` and `features`, pixels scaled to [0, 1].
  static func decode(
    _ file: UnsafeRawBufferPointer, records: Int, path: String,
    labels: UnsafeMutableBufferPointer<Int32>, features: UnsafeMutableBufferPointer<Float>
  ) throws {
    precondition(file.count >= records * recordSize && labels.count == records, "CIFAR10.decode: buffers too small")
    let featureCount = imageShape.featureCount
    for r in 0..<records {
      let record = r * recordSize
      let label = file[record]
      guard label < classCount else {
        throw DataError.badLabel(path: path, index: r, label: Int(label), classCount: classCount)
      }
      labels[r] = Int32(label)
      let out = r * featureCount
      Pixels.toUnit(
        UnsafeRawBufferPointer(rebasing: file[(record + 1)..<(record + recordSize)]),
        UnsafeMutableBufferPointer(rebasing: features[out..<(out + featureCount)]))
    }
  }

  /// The labels of one batch file, without decoding its pixels.
  public static func readLabels(_ url: URL) throws -> [Int32] {
    let data = try DataFile.map(url)
    guard data.count % recordSize == 0 else { throw DataError.badCIFARSize(path: url.path, bytes: data.count) }
    return try data.withUnsafeBytes { file in
      try (0..<(file.count / recordSize)).map { r in
        let label = file[r * recordSize]
        guard label < classCount else {
          throw DataError.badLabel(path: url.path, index: r, label: Int(label), classCount: classCount)
        }
        return Int32(label)
      }
    }
  }

  /// Writes records: `labels[i]` followed by image `i`'s 3072 bytes
  /// (`pixels` holds the images one after the other, planes R, G, B).
  ///
  /// Tests use this to build small batches on disk.
  public static func write(pixels: [UInt8], labels: [UInt8], to url: URL) throws {
    let pixelsPerImage = recordSize - 1
    precondition(
      pixels.count == labels.count * pixelsPerImage, "CIFAR10.write: \(pixels.count) pixels for \(labels.count) images")
    var file = [UInt8]()
    file.reserveCapacity(labels.count * recordSize)
    for (i, label) in labels.enumerated() {
      file.append(label)
      file += pixels[(i * pixelsPerImage)..<((i + 1) * pixelsPerImage)]
    }
    try Data(file).write(to: url)
  }
}
