// DataRootOption: `--data-root DIR`, as the `sprig` commands take it.
import ArgumentParser
import Foundation
import Sprig

/// Where the benchmarks look for datasets.
struct DataRootOption: ParsableArguments {
  @Option(
    name: .customLong("data-root"),
    help: ArgumentHelp(
      "Look for datasets only in DIR (repeatable; default: $SPRIG_DATA, ./datasets, the user cache, /usr/share/datasets).",
      valueName: "DIR"))
  var dataRoots: [String] = []

  /// The `--data-root` folders, else the default roots.
  var roots: [URL] { DataRoots.roots(dataRootOptions: dataRoots) }
}
