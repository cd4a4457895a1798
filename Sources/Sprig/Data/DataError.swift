// DataError: everything that can be wrong with a dataset on disk, said so a user can fix it.
import Foundation

/// A problem with a dataset file or with finding one.
///
/// These are errors a user causes (a cut download, the wrong file, data not
/// installed), so every message names the file, gives the numbers that
/// disagree (expected and found) and says what to do next.
public enum DataError: Error, CustomStringConvertible, LocalizedError, Equatable {
  /// The file does not exist.
  case fileNotFound(path: String)
  /// The file exists but could not be read (permissions, a directory, I/O error).
  case unreadable(path: String, reason: String)
  /// No folder under any data root holds the dataset; `searched` lists every folder tried.
  case datasetNotFound(name: DatasetName, searched: [String])
  /// A folder of the dataset exists but lacks `missing` (raw or `.gz`): most likely a download that stopped.
  case incompleteDataset(name: DatasetName, folder: String, missing: String)
  /// The file does not start with the magic number of the expected IDX kind.
  case badMagic(path: String, expected: UInt32, found: UInt32)
  /// The IDX element type is valid but not unsigned bytes (the only type image datasets use).
  case unsupportedType(path: String, typeCode: UInt8)
  /// The file (after decompression, for gzip) holds fewer bytes than its header promises.
  case truncated(path: String, expected: Int, found: Int)
  /// The header's dimensions are impossible: zero-sized samples, or more
  /// bytes than a file of `fileBytes` bytes could hold even compressed.
  case absurdDimensions(path: String, dimensions: [Int], fileBytes: Int)
  /// An image file and its label file disagree on the number of samples.
  case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
  /// A label is outside `0..<classCount`.
  case badLabel(path: String, index: Int, label: Int, classCount: Int)
  /// The file looks gzipped but its compressed stream is damaged.
  case corruptGzip(path: String, detail: String)
  /// A CIFAR-10 batch whose size is not a whole number of 3073-byte records.
  case badCIFARSize(path: String, bytes: Int)
  /// The train and test images of one dataset have different shapes.
  case shapeMismatch(path: String, expected: ImageShape, found: ImageShape)

  /// The full message: the file, the numbers that disagree, and what to do.
  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path): file not found. Check the path, or set SPRIG_DATA to the folder that holds the dataset."
    case .unreadable(let path, let reason):
      return "\(path): cannot be read (\(reason)). Check that it is a regular file you may read."
    case .datasetNotFound(let name, let searched):
      let title = "\(DatasetCatalog.entry(for: name).title) (\(name.rawValue))"
      guard !searched.isEmpty else {
        return "\(title) not found: no folder was searched (SPRIG_DATA is empty and SPRIG_DATA_DEFAULT_ROOTS=0). "
          + name.howToGet
      }
      let list = searched.map { "  - \($0)" }.joined(separator: "\n")
      return """
        \(title) not found in:
        \(list)
        \(name.howToGet)
        """
    case .incompleteDataset(let name, let folder, let missing):
      let root = (folder as NSString).deletingLastPathComponent
      return "\(DatasetCatalog.entry(for: name).title) (\(name.rawValue)) in \(folder) lacks \(missing) "
        + "(raw or .gz): run `sprig data download \(name.rawValue) --root \(root)` to complete it."
    case .badMagic(let path, let expected, let found):
      return "\(path): not an IDX \(Self.idxKind(expected)) file: magic number is \(Self.hex(found))"
        + "\(Self.idxKindSuffix(found)), expected \(Self.hex(expected)). "
        + "Check that the file is the one named (images vs labels), or re-download it."
    case .unsupportedType(let path, let typeCode):
      return "\(path): IDX element type \(Self.hex(UInt32(typeCode), digits: 2)) (\(Self.idxTypeName(typeCode))) "
        + "is not supported; Sprig reads unsigned-byte (0x08) IDX files, as MNIST and Fashion-MNIST ship."
    case .truncated(let path, let expected, let found):
      return "\(path): truncated: the header promises \(expected) bytes but only \(found) are there "
        + "(counted after decompression for a gzipped file). "
        + "The download was probably cut short: re-download it or check SPRIG_DATA."
    case .absurdDimensions(let path, let dimensions, let fileBytes):
      let dims = dimensions.map(String.init).joined(separator: " × ")
      let problem: String
      if dimensions.contains(0) {
        problem = "describe samples with no elements"
      } else {
        let (total, overflow) = dimensions.reduce((1, false)) { acc, d in
          let (p, o) = acc.0.multipliedReportingOverflow(by: d)
          return (p, acc.1 || o)
        }
        problem =
          (overflow ? "promise more bytes than a 64-bit integer can count" : "promise \(total) bytes")
          + ", more than a \(fileBytes)-byte file can hold even gzipped"
      }
      return "\(path): header dimensions \(dims) \(problem). "
        + "The header is damaged or this is not an IDX file: re-download it or check SPRIG_DATA."
    case .countMismatch(let images, let imageCount, let labels, let labelCount):
      return "\(images) holds \(imageCount) images but \(labels) holds \(labelCount) labels; "
        + "they must match. Check that both files come from the same split (train or t10k) of one dataset."
    case .badLabel(let path, let index, let label, let classCount):
      return "\(path): label \(label) of sample \(index) is outside 0..<\(classCount). "
        + "The file is damaged or from another dataset: re-download it or check SPRIG_DATA."
    case .corruptGzip(let path, let detail):
      return "\(path): corrupt gzip data (\(detail)). Re-download it or check SPRIG_DATA."
    case .badCIFARSize(let path, let bytes):
      let (records, rest) = bytes.quotientAndRemainder(dividingBy: CIFAR10.recordSize)
      return "\(path): \(bytes) bytes is not a whole number of \(CIFAR10.recordSize)-byte CIFAR-10 records "
        + "(\(records) records and \(rest) bytes left over; a full batch is \(CIFAR10.batchBytes) bytes). "
        + "Re-download it (the binary version, cifar-10-binary.tar.gz) or check SPRIG_DATA."
    case .shapeMismatch(let path, let expected, let found):
      return "\(path): images are \(found) but the training images are \(expected); "
        + "train and test must come from the same dataset."
    }
  }

  /// The same message as ``description``, for `localizedDescription`.
  public var errorDescription: String? { description }

  private static func hex(_ value: UInt32, digits: Int = 8) -> String {
    let s = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
  }

  private static func idxKind(_ magic: UInt32) -> String {
    switch magic & 0xFF {
    case 1: return "labels"
    case 3: return "images"
    default: return "rank-\(magic & 0xFF)"
    }
  }

  /// Names what the found magic looks like, so "images vs labels" mix-ups read at a glance.
  private static func idxKindSuffix(_ magic: UInt32) -> String {
    guard magic >> 16 == 0, magic & 0xFF00 == 0x0800 else { return "" }
    return " (an IDX \(idxKind(magic)) file)"
  }

  private static func idxTypeName(_ code: UInt8) -> String {
    switch code {
    case 0x08: return "unsigned byte"
    case 0x09: return "signed byte"
    case 0x0B: return "int16"
    case 0x0C: return "int32"
    case 0x0D: return "float32"
    case 0x0E: return "float64"
    default: return "unknown"
    }
  }
}
