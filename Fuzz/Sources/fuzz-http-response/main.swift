// fuzz-http-response: HTTPFetch.ResponseStart, what a download makes of a server's status and Content-Length.
import FuzzSupport
@testable import Sprig

/// URLSession and libcurl parse the headers; what reaches Sprig is a status
/// code, `expectedContentLength` (any Int64 a server can make libcurl
/// report) and the bytes already on disk. The input is read as those three.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: start, count: count)
  var words = [UInt64](repeating: 0, count: 3)
  for (i, byte) in bytes.prefix(24).enumerated() { words[i / 8] |= UInt64(byte) << (8 * UInt64(i % 8)) }
  let status = Int(words[0] % 1000)
  let held = Int(words[2] & UInt64(Int.max))
  _ = HTTPFetch.ResponseStart(status: status, contentLength: Int64(bitPattern: words[1]), held: held)
  return 0
}

runFuzzer(fuzzOne)
