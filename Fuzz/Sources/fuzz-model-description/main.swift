// fuzz-model-description: ModelDescription(json:source:), then Sequential(description:seed:) when small.
import FuzzSupport
import Foundation
import Sprig

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  guard let description = try? ModelDescription(json: data, source: "fuzz"), isSmallEnoughToBuild(description)
  else { return 0 }
  _ = try? Sequential(description: description, seed: 0, source: "fuzz")
  return 0
}

runFuzzer(fuzzOne)
