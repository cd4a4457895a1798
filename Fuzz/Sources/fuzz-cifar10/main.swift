// fuzz-cifar10: CIFAR10.parse, which decodes records through the same function as CIFAR10.read.
import FuzzSupport
import Sprig

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: start, count: count)
  _ = try? CIFAR10.parse(bytes, path: "fuzz")
  _ = try? CIFAR10.parse(bytes, limit: 1, path: "fuzz")
  return 0
}

runFuzzer(fuzzOne)
