// `sprig data`: list, download and verify the datasets Sprig knows.
import ArgumentParser
import Foundation
import Sprig

/// `sprig data list|download|verify`, the dataset manager.
struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "List, download and verify datasets (\(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))).",
    discussion: """
      Datasets are searched in each folder of $SPRIG_DATA, ./datasets, the per-user cache \
      ($XDG_CACHE_HOME/sprig/datasets, default ~/.cache/sprig/datasets) and /usr/share/datasets \
      ($SPRIG_DATA_DEFAULT_ROOTS=0 leaves out all but $SPRIG_DATA). Every file is checked against the SHA-256 \
      compiled into Sprig.
      """,
    subcommands: [List.self, Download.self, Verify.self])

  /// `sprig data list`.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Every dataset Sprig knows: where it was found, its size, and whether its files verify.")
    @Option(name: .customLong("data-root"), help: ArgumentHelp("Look only in DIR (repeatable).", valueName: "DIR"))
    var dataRoots: [String] = []
    @Flag(help: "Print one JSON object per dataset.") var json = false

    func run() throws {
      let roots = DataRoots.roots(dataRootOptions: dataRoots)
      var rows: [[String]] = []
      var records: [[String: Any]] = []
      for entry in DatasetCatalog.all {
        let found = try? DataRoots.locate(entry.name, roots: roots)
        let check = found.map { DatasetVerification(of: entry, in: $0) }
        let status = check.map { $0.isVerified ? "verified" : "NOT verified" } ?? "not found"
        rows.append([entry.name.rawValue, entry.title, status, check.map { bytesPhrase($0.bytes) } ?? "-", found?.path ?? "-"])
        records.append([
          "name": entry.name.rawValue, "title": entry.title, "found": found?.path ?? NSNull(),
          "bytes": check?.bytes ?? 0, "verified": check?.isVerified ?? false, "download_bytes": entry.downloadBytes,
        ])
      }
      if json {
        for record in records {
          let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
          print(String(decoding: data, as: UTF8.self))
        }
        return
      }
      printTable(header: ["name", "dataset", "status", "size", "folder"], rows: rows)
      print("searched: " + roots.map(\.path).joined(separator: ", "))
      if rows.contains(where: { $0[2] != "verified" }) {
        print("get one with `sprig data download NAME`; check one with `sprig data verify NAME`.")
      }
    }
  }

  /// `sprig data download NAME…`.
  struct Download: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Download datasets from their publishers' mirrors, resuming cut transfers, checking every SHA-256.",
      discussion: """
        Each file is written as NAME.part and renamed only once its SHA-256 matches the table compiled into Sprig; \
        a .part left by a cut transfer is resumed with an HTTP Range request. Mirrors are tried in order: \
        --mirror, then $SPRIG_DATA_MIRROR, then the publishers'. Archives (CIFAR-10) are unpacked and each file checked.
        """)
    @Argument(help: "Datasets: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var names: [DatasetName]
    @Option(help: ArgumentHelp("Install under DIR (default: the first writable data root).", valueName: "DIR"))
    var root: String?
    @Option(
      help: ArgumentHelp(
        "A base URL holding the original file names (e.g. URL/train-images-idx3-ubyte.gz), tried first (repeatable).",
        valueName: "URL"))
    var mirror: [String] = []

    func validate() throws {
      for value in mirror where URL(string: value)?.scheme == nil {
        throw ValidationError("--mirror \(value) is not a URL (expected e.g. https://example.org/mnist/).")
      }
    }

    func run() throws {
      let root = try root.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataRoots.downloadRoot()
      try DataDownload.install(names, into: root, mirrors: mirror.compactMap(URL.init(string:)))
    }
  }

  /// `sprig data verify [NAME…]`.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check the SHA-256 of every installed dataset file (all datasets found, or those named).",
      discussion: "Exits with status 1 when a file does not match, or a dataset named is not installed.")
    @Argument(help: "Datasets (default: every one that is installed).")
    var names: [DatasetName] = []
    @Option(name: .customLong("data-root"), help: ArgumentHelp("Look only in DIR (repeatable).", valueName: "DIR"))
    var dataRoots: [String] = []

    func run() throws {
      let roots = DataRoots.roots(dataRootOptions: dataRoots)
      var failed = false
      for name in names.isEmpty ? DatasetName.allCases : names {
        let entry = DatasetCatalog.entry(for: name)
        let folder: URL
        do {
          folder = try DataRoots.locate(name, roots: roots)
        } catch {
          if names.isEmpty {
            print("\(name.rawValue): not installed")
          } else {
            printError("\(error)")
            failed = true
          }
          continue
        }
        let check = DatasetVerification(of: entry, in: folder)
        print("\(name.rawValue): \(folder.path)")
        for file in check.files {
          print("  " + describe(file, dataset: name))
        }
        print(check.isVerified ? "\(name.rawValue): verified" : "\(name.rawValue): NOT verified")
        failed = failed || !check.isVerified
      }
      if failed { throw ExitCode(1) }
    }

    func describe(_ file: FileVerification, dataset: DatasetName) -> String {
      let name = (file.path as NSString).lastPathComponent
      switch file.outcome {
      case .verified: return "ok        \(name)"
      case .verifiedContent: return "ok        \(name) (recompressed: its decompressed bytes match)"
      case .missing: return "MISSING   \(name)"
      case .noDigest: return "unchecked \(name) (no published SHA-256 for this form; keep the .gz to verify)"
      case .unreadable(let reason): return "UNREADABLE \(name): \(reason)"
      case .mismatch(let expected, let actual):
        return """
          MISMATCH  \(file.path)
                      expected SHA-256 \(expected)
                      actual   SHA-256 \(actual)
                      the file is damaged or not the published one: run `sprig data download \(dataset.rawValue)` to replace it
          """
      }
    }
  }
}

/// The download step shared by `sprig data download` and `--download`.
enum DataDownload {
  /// Installs each of `names` under `root`, showing progress on standard error.
  static func install(_ names: [DatasetName], into root: URL, mirrors: [URL]) throws {
    let bar = DownloadProgressBar()
    let downloader = DatasetDownloader(mirrors: mirrors + DatasetDownloader.environmentMirrors()) { bar.show($0) }
    for name in names {
      let entry = DatasetCatalog.entry(for: name)
      printError("\(entry.title) (\(name.rawValue)) into \(root.appendingPathComponent(entry.folder).path)")
      let folder = try downloader.install(entry, into: root)
      printError("\(name.rawValue): installed and verified in \(folder.path)")
    }
  }
}

/// A line on standard error.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Columns padded to their widest cell.
func printTable(header: [String], rows: [[String]]) {
  let all = [header] + rows
  let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
  for row in all {
    print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
  }
}
