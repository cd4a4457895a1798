// fuzz-matrix-market: MatrixMarket.parse, which MatrixMarket.read(contentsOf:) calls.
import FuzzSupport
import Sprig

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  _ = try? MatrixMarket.parse(Array(UnsafeBufferPointer(start: start, count: count)), file: "fuzz")
  return 0
}

runFuzzer(fuzzOne)
