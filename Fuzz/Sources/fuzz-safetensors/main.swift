// fuzz-safetensors: SafeTensorsFile(data:path:), which SafeTensorsFile(contentsOf:) calls.
import FuzzSupport
import Foundation
import Sprig

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  _ = try? SafeTensorsFile(data: data, path: "fuzz")
  return 0
}

runFuzzer(fuzzOne)
