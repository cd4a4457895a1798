// ModelSizeCap: which fuzzed model descriptions are small enough to build.
import Sprig

/// Whether building `description` stays small (a few MB, milliseconds).
///
/// The library refuses absurd sizes itself (ModelBuilder's limits are about
/// overflow and what memory can hold), but a model at those limits still
/// takes gigabytes and seconds to build: libFuzzer would report every such
/// input as an out-of-memory or a timeout and find nothing else. Descriptions
/// naming a pattern file are skipped so that a fuzzed path never reads the disk.
public func isSmallEnoughToBuild(_ description: ModelDescription) -> Bool {
  let input = description.input
  if let image = input.image {
    guard image.height <= 64, image.width <= 64, image.channels <= 8 else { return false }
  } else {
    guard input.features <= 4096 else { return false }
  }
  guard description.layers.count <= 8 else { return false }
  return description.layers.allSatisfy { layer in
    let sizes: [(Int?, Int)] = [
      (layer.units, 512), (layer.filters, 64), (layer.kernel, 7), (layer.stride, 8), (layer.size, 8),
      (layer.steps, 64), (layer.paddingPixels, 8),
    ]
    return sizes.allSatisfy { value, cap in (value ?? 0) <= cap } && layer.topology?.path == nil
  }
}
