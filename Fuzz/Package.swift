// swift-tools-version:6.0
// SprigFuzz: libFuzzer harnesses for every parser Sprig has, one executable
// per format. A package of its own, like Distributed/, because its products
// only build with `-sanitize=fuzzer,address` (scripts/fuzz.sh passes the
// flags), and the root package must keep building without them.
import PackageDescription

let harnesses = [
  "fuzz-idx-raw", "fuzz-idx-gzip", "fuzz-cifar10", "fuzz-safetensors", "fuzz-checkpoint", "fuzz-matrix-market",
  "fuzz-model-description", "fuzz-http-response",
]

let package = Package(
  name: "SprigFuzz",
  dependencies: [.package(name: "Sprig", path: "..")],
  targets: [
    // What two harnesses share: the size cap on fuzzed model descriptions.
    .target(name: "FuzzSupport", dependencies: [.product(name: "Sprig", package: "Sprig")]),
    // Writes Corpus/ with Sprig's own writers (not a harness).
    .executableTarget(name: "make-seeds", dependencies: [.product(name: "Sprig", package: "Sprig")]),
  ]
    + harnesses.map { name in
      .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "Sprig", package: "Sprig")])
    },
  swiftLanguageModes: [.v5]
)
