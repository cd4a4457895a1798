// Helpers for the data tests: a scratch folder, hand-made IDX bytes, and where the real datasets are.
import Foundation
import XCTest

@testable import Sprig

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct ScratchFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("sprig-data-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func file(_ name: String) -> URL { url.appendingPathComponent(name) }

  /// Writes `bytes` to `name` and returns its URL.
  @discardableResult
  func write(_ bytes: [UInt8], to name: String) throws -> URL {
    let target = file(name)
    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: target)
    return target
  }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

/// An IDX header with any magic and dimensions, for building broken files.
func idxHeader(magic: UInt32, dimensions: [UInt32]) -> [UInt8] {
  ([magic] + dimensions).flatMap { v in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}

/// `count` seeded random bytes (random so gzip cannot shrink them much).
func randomBytes(_ count: Int, seed: UInt64, below bound: Int = 256) -> [UInt8] {
  var g = SeededGenerator(seed: seed)
  return (0..<count).map { _ in UInt8(g.nextInt(below: bound)) }
}

/// The folder holding `name` under the default roots (`SPRIG_DATA`, `./datasets`,
/// the user cache, `/usr/share/datasets`), or an `XCTSkip` when the dataset is
/// not on this machine. CI points `SPRIG_DATA` at the shared datasets, then
/// runs these tests once more with `SPRIG_DATA_DEFAULT_ROOTS=0` and no
/// `SPRIG_DATA` to prove they skip.
func requireRealDataset(_ name: DatasetName) throws -> URL {
  do {
    return try DataRoots.locate(name)
  } catch let error as DataError {
    switch error {
    case .datasetNotFound, .incompleteDataset:
      let searched = DataRoots.default.map(\.path).joined(separator: ", ")
      throw XCTSkip(
        "\(name.rawValue) is not installed here (searched \(searched.isEmpty ? "no folder: no data root is set" : searched)); "
          + "`sprig data download \(name.rawValue)` installs it")
    default: throw error
    }
  }
}

/// Asserts that `expression` throws a `DataError` that `matches` accepts and
/// whose message names `fileName`.
func assertDataError<T>(
  _ expression: @autoclosure () throws -> T, naming fileName: String,
  file: StaticString = #filePath, line: UInt = #line, _ matches: (DataError) -> Bool
) {
  XCTAssertThrowsError(try expression(), file: file, line: line) { error in
    guard let dataError = error as? DataError else {
      return XCTFail("expected a DataError, got \(type(of: error)): \(error)", file: file, line: line)
    }
    XCTAssertTrue(matches(dataError), "unexpected case: \(dataError)", file: file, line: line)
    XCTAssertTrue(
      dataError.description.contains(fileName), "message does not name \(fileName): \(dataError)",
      file: file, line: line)
    XCTAssertEqual(dataError.localizedDescription, dataError.description, file: file, line: line)
  }
}
