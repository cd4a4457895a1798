// Gzip: zlib's inflate and deflate behind a small Swift face (the only file that names z_stream).
import CZlib
import Foundation

/// gzip support for dataset files. zlib's `inflateInit2`/`deflateInit2` are
/// macros that do not import into Swift, so the underscored functions they
/// expand to are called directly with the library version and struct size.
enum Gzip {
  /// Deflate cannot shrink data by more than about 1032:1 (RFC 1951 worst
  /// case: a 258-byte match in about 2 bits), so this bounds what a stream of
  /// a given size can honestly decompress to.
  static let maximumRatio = 1032

  /// Whether `bytes` starts with the gzip magic `1f 8b`.
  static func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// `bytes` as a single gzip member (used to build test files on disk).
  static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer {
      deflateEnd(stream)
      stream.deinitialize(count: 1)
      stream.deallocate()
    }
    // windowBits 15 + 16: write a gzip wrapper rather than a zlib one.
    let rc = deflateInit2_(
      stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    precondition(rc == Z_OK, "deflateInit2_ failed: \(rc)")
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(bytes.count))) + 32)
    let written = input.withUnsafeMutableBufferPointer { src in
      output.withUnsafeMutableBufferPointer { dst -> Int in
        stream.pointee.next_in = src.baseAddress
        stream.pointee.avail_in = uInt(src.count)
        stream.pointee.next_out = dst.baseAddress
        stream.pointee.avail_out = uInt(dst.count)
        let rc = deflate(stream, Z_FINISH)
        precondition(rc == Z_STREAM_END, "deflate did not finish: \(rc)")
        return dst.count - Int(stream.pointee.avail_out)
      }
    }
    output.removeSubrange(written...)
    return output
  }
}

/// Incremental gzip decompression of bytes that stay valid for the
/// inflater's life (create and use it inside one `withUnsafeBytes`).
///
/// The caller asks for exactly as many bytes as it needs, so a file's
/// header decides how much is decompressed and a damaged or hostile header
/// can never make the reader allocate more than the stream really holds.
final class GzipInflater {
  private let stream: UnsafeMutablePointer<z_stream>
  private let input: UnsafeRawBufferPointer
  private let path: String
  /// Input bytes handed to zlib so far (zlib's counter is 32-bit).
  private var fed = 0
  /// No more output will come (the last member ended, or the input ran out).
  private(set) var ended = false
  /// The stream ended at a proper gzip trailer, not because the input was cut.
  private(set) var endedCleanly = false

  init(_ input: UnsafeRawBufferPointer, path: String) throws {
    self.input = input
    self.path = path
    // zlib keeps a pointer back to its z_stream, so the struct must never move.
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    // windowBits 15 + 32: accept a gzip (or zlib) header, detected automatically.
    let rc = inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard rc == Z_OK else {
      stream.deinitialize(count: 1)
      stream.deallocate()
      throw DataError.corruptGzip(path: path, detail: "zlib could not start inflating (code \(rc))")
    }
    self.stream = stream
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  /// Decompresses into `destination` until it is full or the stream ends;
  /// returns the number of bytes written (fewer than asked only at the end).
  func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
    var produced = 0
    while produced < destination.count, !ended {
      refillInput()
      let room = min(destination.count - produced, Int(UInt32.max))
      stream.pointee.next_out = (destination.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = uInt(room)
      let rc = inflate(stream, Z_NO_FLUSH)
      let made = room - Int(stream.pointee.avail_out)
      produced += made
      switch rc {
      case Z_OK, Z_BUF_ERROR:
        // Nothing made and nothing left to feed: the file was cut mid-stream.
        if made == 0 && stream.pointee.avail_in == 0 && fed == input.count { ended = true }
      case Z_STREAM_END:
        try startNextMemberOrEnd()
      default:
        throw DataError.corruptGzip(path: path, detail: zlibMessage(rc))
      }
    }
    return produced
  }

  /// Hands `body` up to `count` decompressed bytes (fewer only if the stream
  /// ends first), valid during the call.
  ///
  /// Memory is taken as bytes arrive, doubling with `realloc` (which can
  /// grow in place), so a header that promises far more than the stream
  /// holds costs at most twice what the stream really delivers.
  func withBytes<T>(upTo count: Int, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
    var capacity = min(count, max(1 << 16, input.count * 4))
    guard var base = malloc(max(capacity, 1)) else { fatalError("GzipInflater: out of memory for \(capacity) bytes") }
    defer { free(base) }
    var produced = 0
    while true {
      produced += try read(into: UnsafeMutableRawBufferPointer(start: base + produced, count: capacity - produced))
      if produced == count || ended { break }
      capacity = min(capacity * 2, count)
      guard let grown = realloc(base, capacity) else { fatalError("GzipInflater: out of memory for \(capacity) bytes") }
      base = grown
    }
    return try body(UnsafeRawBufferPointer(start: base, count: produced))
  }

  /// Up to `count` bytes as an array (for headers and other small reads).
  func read(upTo count: Int) throws -> [UInt8] {
    try withBytes(upTo: count) { Array($0.bindMemory(to: UInt8.self)) }
  }

  /// Reads the rest of the stream so zlib checks the CRC and length in the
  /// gzip trailer; returns how many bytes followed what was read before.
  func finish() throws -> Int {
    var scratch = [UInt8](repeating: 0, count: 1 << 16)
    var extra = 0
    while !ended {
      extra += try scratch.withUnsafeMutableBytes { try read(into: $0) }
    }
    return extra
  }

  private func refillInput() {
    guard stream.pointee.avail_in == 0, fed < input.count else { return }
    let chunk = min(input.count - fed, Int(UInt32.max))
    stream.pointee.next_in = UnsafeMutablePointer(
      mutating: (input.baseAddress! + fed).assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(chunk)
    fed += chunk
  }

  /// `gzip` concatenates members (`cat a.gz b.gz`); anything else after a
  /// member's trailer is ignored, as `gunzip` does with trailing zeros.
  private func startNextMemberOrEnd() throws {
    let rest = Int(stream.pointee.avail_in) + (input.count - fed)
    let next = input.count - rest
    if rest >= 2 && input[next] == 0x1F && input[next + 1] == 0x8B {
      let rc = inflateReset(stream)
      guard rc == Z_OK else { throw DataError.corruptGzip(path: path, detail: zlibMessage(rc)) }
    } else {
      ended = true
      endedCleanly = true
    }
  }

  private func zlibMessage(_ code: Int32) -> String {
    let text = stream.pointee.msg.map { String(cString: $0) } ?? "no message"
    return "zlib error \(code): \(text)"
  }
}
