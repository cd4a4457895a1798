import Foundation
import XCTest

@testable import Sprig

final class DataRootsTests: XCTestCase {
  var scratch: ScratchFolder!

  override func setUpWithError() throws { scratch = try ScratchFolder() }
  override func tearDown() { scratch.remove() }

  /// A one-label IDX file at `path` under the scratch folder (any valid file will do here).
  func touch(_ path: String) throws {
    try scratch.write(idxHeader(magic: IDX.labelsMagic, dimensions: [1]) + [1], to: path)
  }

  func testSprigDataListComesFirstThenProjectThenUserCacheThenSystem() {
    let roots = DataRoots.roots(environment: ["SPRIG_DATA": "/a:/b/c::", "HOME": "/home/u"], currentDirectory: "/work/project")
    XCTAssertEqual(
      roots.map(\.path),
      ["/a", "/b/c", "/work/project/datasets", "/home/u/.cache/sprig/datasets", "/usr/share/datasets"])
  }

  func testWithoutSprigDataTheRootsAreProjectUserCacheAndSystem() {
    let roots = DataRoots.roots(environment: ["HOME": "/h"], currentDirectory: "/p")
    XCTAssertEqual(roots.map(\.path), ["/p/datasets", "/h/.cache/sprig/datasets", "/usr/share/datasets"])
  }

  func testDefaultRootsZeroLeavesOnlySprigData() {
    let environment = ["SPRIG_DATA": "/a", "SPRIG_DATA_DEFAULT_ROOTS": "0", "HOME": "/h"]
    XCTAssertEqual(DataRoots.roots(environment: environment, currentDirectory: "/p").map(\.path), ["/a"])
    XCTAssertEqual(DataRoots.roots(environment: ["SPRIG_DATA_DEFAULT_ROOTS": "0"], currentDirectory: "/p"), [])
  }

  func testMissingDatasetMessageListsEverySearchedFolderAndHowToGetIt() throws {
    let roots = [scratch.file("one"), scratch.file("two")]
    assertDataError(try DatasetSplit.load(.cifar10, roots: roots), naming: scratch.file("one").path) { error in
      guard case .datasetNotFound(.cifar10, let searched) = error else { return false }
      return searched == [
        scratch.file("one/cifar-10-batches-bin").path, scratch.file("one/cifar10/cifar-10-batches-bin").path,
        scratch.file("two/cifar-10-batches-bin").path, scratch.file("two/cifar10/cifar-10-batches-bin").path,
      ] && searched.allSatisfy { error.description.contains($0) } && error.description.contains("SPRIG_DATA")
    }
  }

  func testMissingFashionMNISTMessageNamesTheDebianPackage() {
    let error = DataError.datasetNotFound(name: .fashionMNIST, searched: ["/x/fashion-mnist"])
    XCTAssertTrue(error.description.contains("apt-get install dataset-fashion-mnist"))
    XCTAssertTrue(error.description.contains("/x/fashion-mnist"))
  }

  func testFolderMissingOneFileIsIncompleteNamingThatFileAndTheDownloadCommand() throws {
    for name in IDXFiles.names.dropLast() {
      try touch("mnist/" + name)
    }
    assertDataError(try DataRoots.locate(.mnist, roots: [scratch.url]), naming: IDXFiles.testLabels) {
      guard case .incompleteDataset(.mnist, let folder, IDXFiles.testLabels) = $0 else { return false }
      return folder == scratch.file("mnist").path && $0.description.contains("sprig data download mnist")
    }
  }

  func testCompleteFolderInALaterRootWinsOverAnIncompleteOne() throws {
    try touch("first/mnist/" + IDXFiles.trainImages)
    for name in IDXFiles.names { try touch("second/mnist/" + name + ".gz") }
    let folder = try DataRoots.locate(.mnist, roots: [scratch.file("first"), scratch.file("second")])
    XCTAssertEqual(folder.standardizedFileURL.path, scratch.file("second/mnist").standardizedFileURL.path)
  }

  func testRawFileIsPreferredToItsGzip() throws {
    let folder = scratch.file("mnist")
    try touch("mnist/x")
    try touch("mnist/x.gz")
    XCTAssertEqual(DataRoots.existingFile(named: "x", in: folder, of: .mnist)?.lastPathComponent, "x")
  }

  func testDatasetNamesRoundTripThroughTheirRawValues() {
    XCTAssertEqual(DatasetName(rawValue: "fashion-mnist"), .fashionMNIST)
    XCTAssertEqual(DatasetName.allCases.map(\.rawValue), ["mnist", "fashion-mnist", "kmnist", "cifar10"])
  }
}
