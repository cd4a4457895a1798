// fuzz-idx-raw: IDX.parse, the entry point of IDX.read and of the MNIST loaders, on raw files.
import FuzzSupport
import Sprig

/// Both ranks the loaders read (labels, images), whole and under a limit as
/// `--limit` reads them. Gzip input is left to fuzz-idx-gzip.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: start, count: count)
  if count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B { return 0 }
  for rank in [1, 3] {
    for limit in [nil, 1] as [Int?] { _ = try? IDX.parse(bytes, rank: rank, limit: limit, path: "fuzz") }
  }
  return 0
}

runFuzzer(fuzzOne)
