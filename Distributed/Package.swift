// swift-tools-version:6.0
// SprigDistributed: Sprig over Open MPI, a package of its own so that the
// main package never needs mpi.h. A trait would keep one package, but every
// switch between a build with and without it rebuilds all of Sprig in the
// same .build folder, and `swift build` at the root would still have to know
// about MPI; here the root package builds on any machine, and this one
// builds where `scripts/setup.sh` installed libopenmpi-dev.
import PackageDescription

let package = Package(
  name: "SprigDistributed",
  products: [
    .library(name: "SprigDistributed", targets: ["SprigDistributed"]),
    .executable(name: "sprig-mpi", targets: ["sprig-mpi"]),
  ],
  dependencies: [
    .package(name: "Sprig", path: ".."),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // Open MPI from Debian's libopenmpi-dev (pkg-config name ompi-c).
    .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
    .target(name: "SprigDistributed", dependencies: ["CMPI", .product(name: "Sprig", package: "Sprig")]),
    .executableTarget(
      name: "sprig-mpi",
      dependencies: [
        "SprigDistributed", .product(name: "SprigCLI", package: "Sprig"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Each test runs sprig-mpi under mpirun, as a user would.
    .testTarget(name: "SprigDistributedTests", dependencies: [.product(name: "Sprig", package: "Sprig")]),
  ],
  swiftLanguageModes: [.v5]
)
