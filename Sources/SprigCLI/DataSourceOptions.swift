// DataSourceOptions: where a command looks for datasets, and whether it may download one.
import ArgumentParser
import Foundation
import Sprig

/// `--data-root` and `--download`, shared by every command that reads a dataset by name.
struct DataSourceOptions: ParsableArguments {
  @Option(
    name: .customLong("data-root"),
    help: ArgumentHelp(
      "Look for datasets only in DIR (repeatable; default: $SPRIG_DATA, ./datasets, the user cache, /usr/share/datasets).",
      valueName: "DIR"))
  var dataRoots: [String] = []

  @Flag(help: "Download the dataset first when it is missing (into the first --data-root, else the default download root).")
  var download = false

  /// The roots searched: the `--data-root` folders, else the default ones.
  var roots: [URL] { DataRoots.roots(dataRootOptions: dataRoots) }

  /// Loads `name`, downloading it first with `--download` when it is not found.
  func load(_ name: DatasetName, trainLimit: Int?, testLimit: Int?) throws -> DatasetSplit {
    do {
      return try DatasetSplit.load(name, roots: roots, trainLimit: trainLimit, testLimit: testLimit)
    } catch let error as DataError where download && error.isMissingDataset {
      let root = try dataRoots.first.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataRoots.downloadRoot()
      try DataDownload.install([name], into: root, mirrors: [])
      return try DatasetSplit.load(name, roots: [root] + roots, trainLimit: trainLimit, testLimit: testLimit)
    }
  }
}

extension DataError {
  /// A dataset that is not there at all, or only partly (what a download fixes).
  var isMissingDataset: Bool {
    switch self {
    case .datasetNotFound, .incompleteDataset: return true
    default: return false
    }
  }
}
