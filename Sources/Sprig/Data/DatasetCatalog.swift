// DatasetCatalog: the datasets Sprig can download, where from, and the SHA-256
// of every original file, compiled in so that nothing unverified is ever used.
import Foundation

/// One file as its publisher distributes it.
public struct RemoteFile: Sendable, Equatable {
  /// What a download becomes once verified.
  public enum Kind: Sendable, Equatable {
    /// Kept as it is, under its own name (gzipped IDX files: the loaders read them as they stand).
    case file
    /// A `.tar.gz` whose members are unpacked into the dataset's folder;
    /// the archive is removed once they are verified.
    case archive(members: [ArchiveMember])
  }

  /// The file name under a mirror's base URL, and on disk.
  public var name: String
  /// Its size, for progress when a server does not say (the SHA-256 decides, not the size).
  public var bytes: Int
  /// SHA-256 of the file as published, lowercase hex.
  public var sha256: String
  /// SHA-256 of the decompressed bytes of a gzipped file, when known: a copy
  /// recompressed by another tool (Debian's packages, some mirrors) holds the
  /// same bytes in a different wrapper and is accepted on this digest.
  public var contentSHA256: String?
  /// Kept as a file, or an archive to unpack.
  public var kind: Kind

  /// A file of a dataset; see the properties.
  public init(name: String, bytes: Int, sha256: String, contentSHA256: String? = nil, kind: Kind = .file) {
    self.name = name
    self.bytes = bytes
    self.sha256 = sha256
    self.contentSHA256 = contentSHA256
    self.kind = kind
  }
}

/// A file inside a downloaded archive that the loaders read.
public struct ArchiveMember: Sendable, Equatable {
  /// Its path inside the archive (`cifar-10-batches-bin/data_batch_1.bin`).
  public var path: String
  /// SHA-256 of its bytes.
  public var sha256: String

  /// A member at `path` with digest `sha256`.
  public init(path: String, sha256: String) {
    self.path = path
    self.sha256 = sha256
  }

  /// Its file name, which is also its name in the dataset's folder.
  public var fileName: String { (path as NSString).lastPathComponent }
}

/// Everything needed to fetch and check one dataset.
public struct DatasetEntry: Sendable {
  /// The dataset.
  public var name: DatasetName
  /// The name people know it by.
  public var title: String
  /// Where its authors publish it.
  public var homepage: String
  /// The folder, under a data root, that the download fills (the first of ``DataRoots/folders(for:)``).
  public var folder: String
  /// Base URLs tried in order, each holding the original file names.
  public var mirrors: [URL]
  /// The files to fetch.
  public var files: [RemoteFile]

  /// An entry; see the properties.
  public init(name: DatasetName, title: String, homepage: String, folder: String, mirrors: [URL], files: [RemoteFile]) {
    self.name = name
    self.title = title
    self.homepage = homepage
    self.folder = folder
    self.mirrors = mirrors
    self.files = files
  }

  /// The bytes all its downloads add up to.
  public var downloadBytes: Int { files.reduce(0) { $0 + $1.bytes } }
}

/// The datasets Sprig knows how to download.
///
/// The digests are those of the files as their publishers serve them (the
/// same values torchvision and TensorFlow Datasets check), and of the
/// decompressed IDX files, which equal the published digests of the
/// original uncompressed files.
public enum DatasetCatalog {
  /// The entry for `name`.
  public static func entry(for name: DatasetName) -> DatasetEntry {
    switch name {
    case .mnist: return mnist
    case .fashionMNIST: return fashionMNIST
    case .kmnist: return kmnist
    case .cifar10: return cifar10
    }
  }

  /// Every entry, in ``DatasetName`` order.
  public static var all: [DatasetEntry] { DatasetName.allCases.map(entry(for:)) }

  static func urls(_ strings: [String]) -> [URL] { strings.map { URL(string: $0)! } }

  static let mnist = DatasetEntry(
    name: .mnist, title: "MNIST", homepage: "http://yann.lecun.com/exdb/mnist/", folder: "mnist",
    mirrors: urls([
      "https://ossci-datasets.s3.amazonaws.com/mnist/",
      "https://storage.googleapis.com/cvdf-datasets/mnist/",
      "http://yann.lecun.com/exdb/mnist/",
    ]),
    files: [
      RemoteFile(
        name: "train-images-idx3-ubyte.gz", bytes: 9_912_422,
        sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        contentSHA256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
      RemoteFile(
        name: "train-labels-idx1-ubyte.gz", bytes: 28_881,
        sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        contentSHA256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
      RemoteFile(
        name: "t10k-images-idx3-ubyte.gz", bytes: 1_648_877,
        sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        contentSHA256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
      RemoteFile(
        name: "t10k-labels-idx1-ubyte.gz", bytes: 4_542,
        sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        contentSHA256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    ])

  static let fashionMNIST = DatasetEntry(
    name: .fashionMNIST, title: "Fashion-MNIST", homepage: "https://github.com/zalandoresearch/fashion-mnist",
    folder: "fashion-mnist",
    mirrors: urls([
      "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
      "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ]),
    files: [
      RemoteFile(
        name: "train-images-idx3-ubyte.gz", bytes: 26_421_880,
        sha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        contentSHA256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
      RemoteFile(
        name: "train-labels-idx1-ubyte.gz", bytes: 29_515,
        sha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        contentSHA256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
      RemoteFile(
        name: "t10k-images-idx3-ubyte.gz", bytes: 4_422_102,
        sha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        contentSHA256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
      RemoteFile(
        name: "t10k-labels-idx1-ubyte.gz", bytes: 5_148,
        sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        contentSHA256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ])

  // Kuzushiji-MNIST is published by one host only; its http address is the second "mirror".
  // The digests of its decompressed files are not published, so only the .gz files verify.
  static let kmnist = DatasetEntry(
    name: .kmnist, title: "Kuzushiji-MNIST", homepage: "http://codh.rois.ac.jp/kmnist/", folder: "kmnist",
    mirrors: urls([
      "https://codh.rois.ac.jp/kmnist/dataset/kmnist/",
      "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
    ]),
    files: [
      RemoteFile(
        name: "train-images-idx3-ubyte.gz", bytes: 18_165_135,
        sha256: "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4"),
      RemoteFile(
        name: "train-labels-idx1-ubyte.gz", bytes: 29_497,
        sha256: "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17"),
      RemoteFile(
        name: "t10k-images-idx3-ubyte.gz", bytes: 3_041_136,
        sha256: "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5"),
      RemoteFile(
        name: "t10k-labels-idx1-ubyte.gz", bytes: 5_120,
        sha256: "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c"),
    ])

  // CIFAR-10 is published by one host only; its http address is the second "mirror".
  static let cifar10 = DatasetEntry(
    name: .cifar10, title: "CIFAR-10", homepage: "https://www.cs.toronto.edu/~kriz/cifar.html",
    folder: "cifar-10-batches-bin",
    mirrors: urls(["https://www.cs.toronto.edu/~kriz/", "http://www.cs.toronto.edu/~kriz/"]),
    files: [
      RemoteFile(
        name: "cifar-10-binary.tar.gz", bytes: 170_052_171,
        sha256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
        kind: .archive(members: [
          ArchiveMember(
            path: "cifar-10-batches-bin/data_batch_1.bin",
            sha256: "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5"),
          ArchiveMember(
            path: "cifar-10-batches-bin/data_batch_2.bin",
            sha256: "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed"),
          ArchiveMember(
            path: "cifar-10-batches-bin/data_batch_3.bin",
            sha256: "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67"),
          ArchiveMember(
            path: "cifar-10-batches-bin/data_batch_4.bin",
            sha256: "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48"),
          ArchiveMember(
            path: "cifar-10-batches-bin/data_batch_5.bin",
            sha256: "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add"),
          ArchiveMember(
            path: "cifar-10-batches-bin/test_batch.bin",
            sha256: "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b"),
          ArchiveMember(
            path: "cifar-10-batches-bin/batches.meta.txt",
            sha256: "558e74b5e208382e186da55784b4bac2cd52e558448e1b5800990fdb28ed8033"),
        ])),
    ])
}
