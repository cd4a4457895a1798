// PNGImage: a minimal PNG decoder for tests (screenshots): chunks with CRCs,
// IDAT inflated by Sprig's zlib wrapper, the five scanline filters, 8-bit
// grey, grey+alpha, RGB and RGBA, no interlacing.
import Foundation
@testable import Sprig

/// Why a PNG could not be decoded.
enum PNGError: Error, CustomStringConvertible {
  case notPNG
  case truncated(String)
  case badCRC(String)
  case unsupported(String)
  case badImageData(String)

  var description: String {
    switch self {
    case .notPNG: return "not a PNG (bad signature)"
    case .truncated(let what): return "PNG truncated: \(what)"
    case .badCRC(let chunk): return "PNG chunk \(chunk) fails its CRC"
    case .unsupported(let what): return "PNG not supported by the test decoder: \(what)"
    case .badImageData(let what): return "PNG image data: \(what)"
    }
  }
}

/// A decoded PNG: `pixels` holds `height` rows of `width × channels` bytes.
struct PNGImage {
  var width: Int
  var height: Int
  /// 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
  var channels: Int
  var pixels: [UInt8]

  init(contentsOf url: URL) throws { try self.init(data: Data(contentsOf: url)) }

  init(data: Data) throws {
    let bytes = [UInt8](data)
    guard bytes.count >= 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw PNGError.notPNG }
    func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
    var header: [UInt8]?
    var compressed: [UInt8] = []
    var sawEnd = false
    var i = 8
    while i < bytes.count, !sawEnd {
      guard i + 8 <= bytes.count else { throw PNGError.truncated("chunk header at byte \(i)") }
      let length = u32(i)
      let type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
      guard i + 12 + length <= bytes.count else { throw PNGError.truncated("chunk \(type) at byte \(i)") }
      guard Self.crc32(bytes[(i + 4)..<(i + 8 + length)]) == UInt32(u32(i + 8 + length)) else { throw PNGError.badCRC(type) }
      let body = Array(bytes[(i + 8)..<(i + 8 + length)])
      switch type {
      case "IHDR": header = body
      case "IDAT": compressed += body
      case "IEND": sawEnd = true
      default:
        // Ancillary chunks (lower-case first letter) may be ignored; critical ones (PLTE) may not.
        guard let first = type.unicodeScalars.first, first.properties.isLowercase else { throw PNGError.unsupported("chunk \(type)") }
      }
      i += 12 + length
    }
    guard sawEnd else { throw PNGError.truncated("no IEND") }
    guard let h = header, h.count == 13 else { throw PNGError.badImageData("missing or short IHDR") }
    width = Int(h[0]) << 24 | Int(h[1]) << 16 | Int(h[2]) << 8 | Int(h[3])
    height = Int(h[4]) << 24 | Int(h[5]) << 16 | Int(h[6]) << 8 | Int(h[7])
    let (depth, colorType, interlace) = (h[8], h[9], h[12])
    guard depth == 8 else { throw PNGError.unsupported("bit depth \(depth)") }
    guard interlace == 0 else { throw PNGError.unsupported("interlacing") }
    switch colorType {
    case 0: channels = 1
    case 2: channels = 3
    case 4: channels = 2
    case 6: channels = 4
    default: throw PNGError.unsupported("colour type \(colorType)")
    }
    guard width > 0, height > 0, !compressed.isEmpty else { throw PNGError.badImageData("empty image") }

    let stride = width * channels
    let expected = height * (1 + stride)
    // The IDAT stream is zlib-wrapped; Sprig's inflater detects zlib as well as gzip headers.
    let raw: [UInt8] = try compressed.withUnsafeBytes { buffer in
      let inflater = try GzipInflater(buffer, path: "PNG IDAT")
      let out = try inflater.read(upTo: expected)
      let extra = try inflater.finish()  // reads the trailer: zlib checks the Adler-32
      guard out.count == expected, extra == 0, inflater.endedCleanly else {
        throw PNGError.badImageData("inflated \(out.count + extra) bytes, expected \(expected)")
      }
      return out
    }

    var pixels = [UInt8](repeating: 0, count: height * stride)
    let bpp = channels
    for y in 0..<height {
      let filter = raw[y * (1 + stride)]
      let src = y * (1 + stride) + 1, row = y * stride, above = row - stride
      for x in 0..<stride {
        let a = x >= bpp ? Int(pixels[row + x - bpp]) : 0
        let b = y > 0 ? Int(pixels[above + x]) : 0
        let c = x >= bpp && y > 0 ? Int(pixels[above + x - bpp]) : 0
        let predictor: Int
        switch filter {
        case 0: predictor = 0
        case 1: predictor = a
        case 2: predictor = b
        case 3: predictor = (a + b) / 2
        case 4:
          let p = a + b - c
          let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
          predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: throw PNGError.badImageData("row \(y) has filter type \(filter)")
        }
        pixels[row + x] = UInt8(truncatingIfNeeded: Int(raw[src + x]) + predictor)
      }
    }
    self.pixels = pixels
  }

  /// The pixel at (`x`, `y`) as RGBA (grey repeated, alpha 255 when absent).
  func rgba(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
    let p = (y * width + x) * channels
    switch channels {
    case 1: return (pixels[p], pixels[p], pixels[p], 255)
    case 2: return (pixels[p], pixels[p], pixels[p], pixels[p + 1])
    case 3: return (pixels[p], pixels[p + 1], pixels[p + 2], 255)
    default: return (pixels[p], pixels[p + 1], pixels[p + 2], pixels[p + 3])
    }
  }

  /// How many pixels have each colour, keyed by 0xRRGGBBAA.
  func colourCounts() -> [UInt32: Int] {
    var counts: [UInt32: Int] = [:]
    for y in 0..<height {
      for x in 0..<width {
        let (r, g, b, a) = rgba(x: x, y: y)
        counts[UInt32(r) << 24 | UInt32(g) << 16 | UInt32(b) << 8 | UInt32(a), default: 0] += 1
      }
    }
    return counts
  }

  private static let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  /// The CRC-32 PNG puts after each chunk (over its type and data).
  static func crc32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
    var c: UInt32 = 0xFFFF_FFFF
    for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }
}
