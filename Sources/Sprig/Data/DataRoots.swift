// DataRoots: where datasets live on disk and how a dataset's folder is found.
import Foundation

/// The folders Sprig searches for datasets, and the layout under each.
///
/// A data root holds one folder per dataset: `mnist/`, `fashion-mnist/`,
/// `kmnist/`, `cifar-10-batches-bin/` (or `cifar10/cifar-10-batches-bin/`,
/// as the CIFAR tarball unpacks inside a folder of its own).
public enum DataRoots {
  /// The roots in search order: each folder in `SPRIG_DATA` (a
  /// colon-separated list, so a user's data comes first), the project's
  /// `datasets/` beside the current directory, the per-user cache
  /// (``userCache(environment:)``), then `/usr/share/datasets`, where
  /// Debian's dataset packages install. `SPRIG_DATA_DEFAULT_ROOTS=0` leaves
  /// out all but `SPRIG_DATA`'s folders.
  public static var `default`: [URL] {
    roots(environment: ProcessInfo.processInfo.environment, currentDirectory: FileManager.default.currentDirectoryPath)
  }

  /// The roots for a given environment and working directory (what
  /// ``default`` uses; separate so it can be tested).
  public static func roots(environment: [String: String], currentDirectory: String) -> [URL] {
    let fromEnvironment = userRoots(environment: environment)
    guard includesDefaultRoots(environment: environment) else { return fromEnvironment }
    return fromEnvironment + [
      projectRoot(currentDirectory: currentDirectory), userCache(environment: environment),
      URL(fileURLWithPath: "/usr/share/datasets", isDirectory: true),
    ]
  }

  /// The roots a command searches given its `--data-root` folders: those
  /// folders alone, or ``default`` when there are none.
  public static func roots(dataRootOptions folders: [String]) -> [URL] {
    folders.isEmpty ? DataRoots.default : folders.map { URL(fileURLWithPath: $0, isDirectory: true) }
  }

  /// The folders of `SPRIG_DATA`, in order.
  static func userRoots(environment: [String: String]) -> [URL] {
    (environment["SPRIG_DATA"] ?? "").split(separator: ":").map { URL(fileURLWithPath: String($0), isDirectory: true) }
  }

  /// False when `SPRIG_DATA_DEFAULT_ROOTS` is `0`: only `SPRIG_DATA` is searched.
  static func includesDefaultRoots(environment: [String: String]) -> Bool {
    environment["SPRIG_DATA_DEFAULT_ROOTS"] != "0"
  }

  static func projectRoot(currentDirectory: String) -> URL {
    URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent("datasets", isDirectory: true)
  }

  /// The per-user dataset cache: `$XDG_CACHE_HOME/sprig/datasets`, or
  /// `~/.cache/sprig/datasets` when `XDG_CACHE_HOME` is unset (the XDG rule).
  public static func userCache(environment: [String: String]) -> URL {
    let cache: URL
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
      cache = URL(fileURLWithPath: xdg, isDirectory: true)
    } else {
      let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
      cache = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache", isDirectory: true)
    }
    return cache.appendingPathComponent("sprig", isDirectory: true).appendingPathComponent("datasets", isDirectory: true)
  }

  /// Where `sprig data download` writes when not told: the first root of
  /// the search order that can take files — one of `SPRIG_DATA`'s folders or
  /// the per-user cache (created when missing), or the project's `datasets/`
  /// if it exists; never `/usr/share/datasets`, which belongs to the system's
  /// packages.
  ///
  /// - Throws: ``DownloadError/unwritableRoot(path:reason:)`` when none can.
  public static func downloadRoot(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) throws -> URL {
    var candidates = userRoots(environment: environment).map { (root: $0, create: true) }
    if includesDefaultRoots(environment: environment) {
      candidates.append((projectRoot(currentDirectory: currentDirectory), false))
      candidates.append((userCache(environment: environment), true))
    }
    var refused: [String] = []
    for (root, create) in candidates {
      if DataFile.folderExists(root) {
        if FileManager.default.isWritableFile(atPath: root.path) { return root }
        refused.append("\(root.path): not writable")
      } else if create {
        do {
          try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
          return root
        } catch {
          refused.append("\(root.path): \(error.localizedDescription)")
        }
      }
    }
    throw DownloadError.unwritableRoot(
      path: candidates.first?.root.path ?? "(no data root)",
      reason: refused.isEmpty
        ? "SPRIG_DATA is empty and SPRIG_DATA_DEFAULT_ROOTS=0 leaves no other root"
        : refused.joined(separator: "; "))
  }

  /// The folders, relative to a root, that may hold `name`, in search order.
  public static func folders(for name: DatasetName) -> [String] {
    switch name {
    case .mnist: return ["mnist"]
    case .fashionMNIST: return ["fashion-mnist"]
    case .kmnist: return ["kmnist"]
    case .cifar10: return ["cifar-10-batches-bin", "cifar10/cifar-10-batches-bin"]
    }
  }

  /// The files a folder must hold to be `name`'s (without `.gz`; IDX files
  /// may be raw or gzipped).
  public static func requiredFiles(for name: DatasetName) -> [String] {
    switch name {
    case .mnist, .fashionMNIST, .kmnist: return IDXFiles.names
    case .cifar10: return CIFAR10.trainFiles + [CIFAR10.testFile]
    }
  }

  /// The first folder under `roots` that holds all of `name`'s files.
  ///
  /// - Throws: ``DataError/datasetNotFound(name:searched:)`` listing every
  ///   folder tried; or ``DataError/incompleteDataset(name:folder:missing:)``
  ///   for the first missing file when a folder exists but no folder is
  ///   complete, since that is most likely a download that stopped half-way.
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
      throw DataError.incompleteDataset(name: name, folder: folder.path, missing: missing)
    }
    throw DataError.datasetNotFound(name: name, searched: searched)
  }

  /// The file `file` of dataset `name` in `folder`, preferring the raw file
  /// to its `.gz` (an unpacked copy is faster to read).
  static func existingFile(named file: String, in folder: URL, of name: DatasetName) -> URL? {
    let raw = folder.appendingPathComponent(file)
    if DataFile.exists(raw) { return raw }
    guard name.isIDX else { return nil }
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
