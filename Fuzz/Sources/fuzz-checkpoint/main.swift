// fuzz-checkpoint: Checkpoint(data:path:), what Checkpoint(contentsOf:) does once the bytes are read.
import FuzzSupport
import Foundation
import Sprig

/// A checkpoint's metadata carries a model description; one asking for a
/// model too big to build quickly is skipped (see isSmallEnoughToBuild).
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  guard let file = try? SafeTensorsFile(data: data, path: "fuzz") else { return 0 }
  if let json = file.metadata["model"] {
    guard let description = try? ModelDescription(json: Data(json.utf8), source: "fuzz"),
      isSmallEnoughToBuild(description)
    else { return 0 }
  }
  _ = try? Checkpoint(data: data, path: "fuzz")
  return 0
}

runFuzzer(fuzzOne)
