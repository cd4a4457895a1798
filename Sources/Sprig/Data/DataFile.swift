// DataFile: opening a dataset file, with Foundation's errors turned into DataError.
import Foundation

/// Reading dataset files from disk.
enum DataFile {
  /// The file's bytes, memory-mapped where the platform allows so that
  /// reading the first samples of a large file touches only those pages.
  static func map(_ url: URL) throws -> Data {
    try checkRegularFile(url)
    do {
      return try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
      throw DataError.unreadable(path: url.path, reason: error.localizedDescription)
    }
  }

  /// The file's size in bytes, without reading it.
  static func size(_ url: URL) throws -> Int {
    try checkRegularFile(url)
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
      guard let size = (attributes[.size] as? NSNumber)?.intValue else {
        throw DataError.unreadable(path: url.path, reason: "its size is unknown")
      }
      return size
    } catch let error as DataError {
      throw error
    } catch {
      throw DataError.unreadable(path: url.path, reason: error.localizedDescription)
    }
  }

  /// Whether a regular file (not a folder) exists at `url`.
  static func exists(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
  }

  /// Whether a folder exists at `url`.
  static func folderExists(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  private static func checkRegularFile(_ url: URL) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw DataError.fileNotFound(path: url.path)
    }
    if isDirectory.boolValue { throw DataError.unreadable(path: url.path, reason: "it is a folder, not a file") }
  }
}
