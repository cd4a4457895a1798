// DataRoots: where datasets live on disk and how a dataset's folder is found.
import Foundation

/// The folders Sprig searches for datasets, and the layout under each.
///
/// A data root holds one folder per dataset: `mnist/`, `fashion-mnist/`,
/// `cifar-10-batches-bin/` (or `cifar10/cifar-10-batches-bin/`, as the
/// CIFAR tarball unpacks inside a folder of its own).
public enum DataRoots {
  /// The roots in search order: each folder in `SPRIG_DATA` (a
  /// colon-separated list, so a user's data comes first), the project's
  /// `datasets/` beside the current directory, then `/usr/share/datasets`,
  /// where Debian's dataset packages install.
  public static var `default`: [URL] {
    roots(environment: ProcessInfo.processInfo.environment, currentDirectory: FileManager.default.currentDirectoryPath)
  }

  /// The roots for a given environment and working directory (what
  /// ``default`` uses; separate so it can be tested).
  public static func roots(environment: [String: String], currentDirectory: String) -> [URL] {
    let fromEnvironment = (environment["SPRIG_DATA"] ?? "").split(separator: ":").map {
      URL(fileURLWithPath: String($0), isDirectory: true)
    }
    return fromEnvironment + [
      URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent("datasets", isDirectory: true),
      URL(fileURLWithPath: "/usr/share/datasets", isDirectory: true),
    ]
  }

  /// The folders, relative to a root, that may hold `name`, in search order.
  public static func folders(for name: DatasetName) -> [String] {
    switch name {
    case .mnist: return ["mnist"]
    case .fashionMNIST: return ["fashion-mnist"]
    case .cifar10: return ["cifar-10-batches-bin", "cifar10/cifar-10-batches-bin"]
    }
  }

  /// The files a folder must hold to be `name`'s (without `.gz`; IDX files
  /// may be raw or gzipped).
  public static func requiredFiles(for name: DatasetName) -> [String] {
    switch name {
    case .mnist, .fashionMNIST: return IDXFiles.names
    case .cifar10: return CIFAR10.trainFiles + [CIFAR10.testFile]
    }
  }

  /// The first folder under `roots` that holds all of `name`'s files.
  ///
  /// - Throws: ``DataError/datasetNotFound(name:searched:)`` listing every
  ///   folder tried; or ``DataError/fileNotFound(path:)`` for the first
  ///   missing file when a folder exists but no folder is complete, since
  ///   that is most likely a download that stopped half-way.
  public static func locate(_ name: DatasetName, roots: [URL] = DataRoots.default) throws -> URL {
    var searched: [String] = []
    var firstIncomplete: (folder: URL, missing: String)?
    for root in roots {
      for relative in folders(for: name) {
        let folder = root.appendingPathComponent(relative, isDirectory: true)
        searched.append(folder.path)
        guard DataFile.folderExists(folder) else { continue }
        let missing = requiredFiles(for: name).first { existingFile(named: $0, in: folder, of: name) == nil }
        guard let missing else { return folder }
        if firstIncomplete == nil { firstIncomplete = (folder, missing) }
      }
    }
    if let (folder, missing) = firstIncomplete {
      throw DataError.fileNotFound(path: folder.appendingPathComponent(missing).path)
    }
    throw DataError.datasetNotFound(name: name, searched: searched)
  }

  /// The file `file` of dataset `name` in `folder`, preferring the raw file
  /// to its `.gz` (an unpacked copy is faster to read).
  static func existingFile(named file: String, in folder: URL, of name: DatasetName) -> URL? {
    let raw = folder.appendingPathComponent(file)
    if DataFile.exists(raw) { return raw }
    guard name != .cifar10 else { return nil }
    let gzipped = folder.appendingPathComponent(file + ".gz")
    return DataFile.exists(gzipped) ? gzipped : nil
  }
}

/// The four file names of an IDX dataset folder (MNIST's own names).
public enum IDXFiles {
  /// Training images.
  public static let trainImages = "train-images-idx3-ubyte"
  /// Training labels.
  public static let trainLabels = "train-labels-idx1-ubyte"
  /// Test images.
  public static let testImages = "t10k-images-idx3-ubyte"
  /// Test labels.
  public static let testLabels = "t10k-labels-idx1-ubyte"
  /// All four, in the order above.
  public static let names = [trainImages, trainLabels, testImages, testLabels]
}
