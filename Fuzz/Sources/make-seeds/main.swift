// make-seeds: writes Fuzz/Corpus/<harness>/ with Sprig's own writers, so
// every seed is a file Sprig itself produces (a few KB each, no dataset bytes).
//
// Run from the repository root: Fuzz/.build/release/make-seeds Fuzz/Corpus
import Foundation
import Sprig

let corpus = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Fuzz/Corpus")

func folder(_ harness: String) -> URL {
  let url = corpus.appendingPathComponent(harness, isDirectory: true)
  try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Deterministic bytes, so that regenerating the corpus changes nothing.
func pattern(_ count: Int, _ salt: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + salt) } }

// IDX: an image file and a label file, raw and gzipped.
for (harness, compressed) in [("fuzz-idx-raw", false), ("fuzz-idx-gzip", true)] {
  let out = folder(harness)
  try! IDX.writeImages(pattern(3 * 4 * 5, 1), count: 3, height: 4, width: 5, to: out.appendingPathComponent("images"), compressed: compressed)
  try! IDX.writeLabels([0, 9, 3], to: out.appendingPathComponent("labels"), compressed: compressed)
  try! IDX.writeImages([], count: 0, height: 2, width: 2, to: out.appendingPathComponent("empty-images"), compressed: compressed)
}

// CIFAR-10: one record and two.
do {
  let out = folder("fuzz-cifar10")
  let pixels = CIFAR10.recordSize - 1
  try! CIFAR10.write(pixels: pattern(pixels, 3), labels: [7], to: out.appendingPathComponent("one-record"))
  try! CIFAR10.write(pixels: pattern(2 * pixels, 5), labels: [0, 9], to: out.appendingPathComponent("two-records"))
}

// Model descriptions: small members of each layer family, as Sprig writes them.
let image = InputDescription(image: ImageShape(height: 6, width: 6, channels: 1))
func layer(_ type: LayerType, _ set: (inout LayerDescription) -> Void) -> LayerDescription {
  var d = LayerDescription(type)
  set(&d)
  return d
}
let descriptions: [(String, ModelDescription)] = [
  ("mlp", ModelDescription(name: "mlp", input: .init(features: 12), layers: [
    .sparseLinear(units: 8, topology: .er(epsilon: 2)), .activation(.relu), .dropout(rate: 0.2),
    .activation(.leakyReLU, slope: 0.2), .linear(units: 3),
  ])),
  ("cnn", ModelDescription(name: "cnn", input: image, layers: [
    layer(.conv2d) { $0.filters = 2; $0.kernel = 3 }, layer(.maxPool2d) { $0.size = 2 },
    layer(.sparseConv2d) { $0.filters = 2; $0.kernel = 2; $0.topology = .er(epsilon: 1) }, layer(.avgPool2d) { $0.size = 1 },
    layer(.flatten) { _ in }, .linear(units: 3),
  ])),
  ("lcn", ModelDescription(name: "lcn", input: image, layers: [
    layer(.locallyConnected2d) { $0.filters = 2; $0.kernel = 3; $0.density = 0.5 }, layer(.flatten) { _ in }, .linear(units: 2),
  ])),
  ("lstm", ModelDescription(name: "lstm", input: .init(features: 8), layers: [
    layer(.lstm) { $0.units = 4; $0.steps = 2; $0.topology = .er(epsilon: 1) }, layer(.gru) { $0.units = 3; $0.steps = 1 },
    .linear(units: 2),
  ])),
  ("rbm", ModelDescription(name: "rbm", input: .init(features: 10), layers: [
    layer(.rbm) { $0.units = 4; $0.topology = .er(epsilon: 1) },
  ])),
  ("vae", ModelDescription(name: "vae", input: .init(features: 8), layers: [
    .linear(units: 4), layer(.gaussianSample) { $0.units = 2 }, .linear(units: 8),
  ])),
]
do {
  let out = folder("fuzz-model-description")
  for (name, d) in descriptions { try! d.json().write(to: out.appendingPathComponent(name + ".json")) }
}

// Checkpoints (also safetensors seeds): the small models above, built and written.
do {
  let checkpoints = folder("fuzz-checkpoint"), tensors = folder("fuzz-safetensors")
  for (name, d) in descriptions where ["mlp", "lstm", "rbm"].contains(name) {
    let model = try! Sequential(description: d, seed: 1)
    let scaling = name == "mlp" ? FeatureScaling(mean: [Float](repeating: 0.5, count: 12), std: [Float](repeating: 2, count: 12)) : nil
    let checkpoint = Checkpoint(model: model, scaling: scaling, info: ["epoch": "1"])
    try! checkpoint.write(to: checkpoints.appendingPathComponent(name + ".safetensors"))
    try! checkpoint.write(to: tensors.appendingPathComponent(name + ".safetensors"))
  }
  // The first checkpoint format (before model descriptions), which Sprig still reads.
  let legacy = SafeTensorsFile(
    tensors: [
      "layers.0.weight": Tensor(shape: [2, 3], data: .float32([1, 2, 3, 4, 5, 6])),
      "layers.0.bias": Tensor(shape: [2], data: .float32([0.5, -0.5])),
    ],
    metadata: [
      "format": Checkpoint.legacyFormat,
      "layers": #"[{"type":"linear","inputs":3,"outputs":2},{"type":"activation","inputs":2,"outputs":2,"activation":"relu"},{"type":"dropout","inputs":2,"outputs":2,"rate":0.5}]"#,
    ])
  try! legacy.write(to: checkpoints.appendingPathComponent("legacy.safetensors"))
  let plain = SafeTensorsFile(
    tensors: ["a": Tensor(shape: [2, 2], data: .float32([1, 2, 3, 4])), "b": Tensor(shape: [3], data: .int32([1, -1, 7]))],
    metadata: ["note": "plain"])
  try! plain.write(to: tensors.appendingPathComponent("plain.safetensors"))
}

// Matrix Market: a pattern file and a real one.
do {
  let out = folder("fuzz-matrix-market")
  let p = try! SparsityPattern(rows: 4, columns: 5, entries: [(0, 0), (0, 4), (1, 2), (3, 1), (3, 3)])
  try! MatrixMarket.write(p, to: out.appendingPathComponent("pattern.mtx"))
  try! MatrixMarket.write(p, values: [0.5, -1.25, 3, 1e-3, 2.5e7], to: out.appendingPathComponent("real.mtx"), comment: "seed")
}

// Download responses: status, Content-Length (-1: unknown), bytes already held, each 8 bytes little-endian.
do {
  let out = folder("fuzz-http-response")
  for (name, status, length, held) in [
    ("ok", 200, Int64(1000), 0), ("partial", 206, 500, 100), ("unknown-length", 200, -1, 0), ("not-found", 404, 10, 0),
  ] {
    var bytes = [UInt8]()
    for word in [UInt64(status), UInt64(bitPattern: length), UInt64(held)] {
      withUnsafeBytes(of: word.littleEndian) { bytes += $0 }
    }
    try! Data(bytes).write(to: out.appendingPathComponent(name))
  }
}
