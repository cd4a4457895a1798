// FileDigest: SHA-256 of a file on disk, and of the bytes inside a gzip file.
import Crypto
import Foundation

/// SHA-256 digests of dataset files, as lowercase hex (swift-crypto's SHA256).
public enum FileDigest {
  /// The SHA-256 of the file's bytes, read through a memory map.
  public static func sha256(of url: URL) throws -> String {
    let data = try DataFile.map(url)
    var hasher = SHA256()
    // Hashed in 4 MB slices so a mapped file is never copied whole.
    data.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let end = min(offset + (4 << 20), bytes.count)
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
        offset = end
      }
    }
    return hex(hasher.finalize())
  }

  /// The SHA-256 of the bytes a gzip file decompresses to.
  ///
  /// - Throws: ``DataError/corruptGzip(path:detail:)`` when the stream is
  ///   damaged or cut short (zlib checks the trailer's CRC and length).
  public static func sha256OfDecompressed(_ url: URL) throws -> String {
    let data = try DataFile.map(url)
    return try data.withUnsafeBytes { bytes in
      let inflater = try GzipInflater(bytes, path: url.path)
      var hasher = SHA256()
      var chunk = [UInt8](repeating: 0, count: 1 << 20)
      while !inflater.ended {
        let made = try chunk.withUnsafeMutableBytes { try inflater.read(into: $0) }
        chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<made])) }
      }
      guard inflater.endedCleanly else {
        throw DataError.corruptGzip(path: url.path, detail: "the stream ends before its gzip trailer: the file was cut short")
      }
      return hex(hasher.finalize())
    }
  }

  static func hex(_ digest: SHA256.Digest) -> String {
    digest.map { byte in
      let s = String(byte, radix: 16)
      return byte < 16 ? "0" + s : s
    }.joined()
  }
}
