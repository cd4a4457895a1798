// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Sprig",
  products: [
    .library(name: "Sprig", targets: ["Sprig"]),
    // The command line as a library: Distributed/'s sprig-mpi runs the same commands.
    .library(name: "SprigCLI", targets: ["SprigCLI"]),
    .executable(name: "sprig", targets: ["sprig"]),
    .executable(name: "sprig-bench", targets: ["SprigBench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // SHA-256 of downloaded and installed datasets.
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
  ],
  targets: [
    // MARK: C at the edge
    // SuiteSparse:GraphBLAS (Debian ships no GraphBLAS.pc: linked by name).
    .systemLibrary(name: "CGraphBLAS", path: "Sources/CGraphBLAS"),
    // OpenBLAS's CBLAS.
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
    // zlib, for gzipped IDX files.
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    // The hot sparse loops, compiled per instruction set and chosen at run time.
    .target(name: "SprigKernels", path: "Sources/SprigKernels"),

    // MARK: Library
    .target(
      name: "Sprig",
      dependencies: ["CGraphBLAS", "CBLAS", "CZlib", "SprigKernels", .product(name: "Crypto", package: "swift-crypto")]),

    // MARK: Tools
    .target(
      name: "SprigCLI",
      dependencies: ["Sprig", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .executableTarget(name: "sprig", dependencies: ["SprigCLI"]),
    .executableTarget(
      name: "SprigBench",
      dependencies: ["Sprig", "SprigCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      path: "Benchmarks/SprigBench"),

    // MARK: Tests
    .testTarget(
      name: "SprigTests", dependencies: ["Sprig", "SprigCLI", "SprigKernels", "CGraphBLAS"],
      exclude: ["Analysis/Fixtures", "Data/Fixtures"]),
  ],
  swiftLanguageModes: [.v5]
)
