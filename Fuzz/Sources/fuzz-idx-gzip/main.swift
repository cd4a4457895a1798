// fuzz-idx-gzip: IDX.parse on gzipped files, through zlib (CZlib) and Sprig's GzipInflater.
import FuzzSupport
import Sprig

/// Only gzip input: the raw path has its own harness, and libFuzzer learns
/// the two magic bytes from the seeds at once.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: start, count: count)
  guard count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B else { return 0 }
  for rank in [1, 3] {
    for limit in [nil, 1] as [Int?] { _ = try? IDX.parse(bytes, rank: rank, limit: limit, path: "fuzz") }
  }
  return 0
}

runFuzzer(fuzzOne)
