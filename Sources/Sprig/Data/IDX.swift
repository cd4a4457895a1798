// IDX: the MNIST file format (big-endian header, then unsigned bytes), raw or gzipped.
import Foundation

/// The contents of an unsigned-byte IDX file: its dimensions and its bytes
/// in row-major order (for images: sample, row, column).
public struct IDXArray: Equatable, Sendable {
  /// The sizes of the dimensions, outermost (the sample count) first.
  public var dimensions: [Int]
  /// The elements, `dimensions.reduce(1, *)` of them.
  public var bytes: [UInt8]

  /// An array; `bytes.count` must equal the product of `dimensions`.
  public init(dimensions: [Int], bytes: [UInt8]) {
    precondition(!dimensions.isEmpty && dimensions.allSatisfy { $0 >= 0 }, "IDXArray: bad dimensions \(dimensions)")
    precondition(dimensions.reduce(1, *) == bytes.count, "IDXArray: \(bytes.count) bytes for \(dimensions)")
    self.dimensions = dimensions
    self.bytes = bytes
  }
}

/// Reading and writing IDX files, the format of MNIST and Fashion-MNIST.
///
/// An IDX file is a 4-byte magic number `00 00 tt rr` (element type `tt`,
/// rank `rr`), `rr` big-endian 32-bit dimensions, then the elements. Image
/// files are `0x00000803` (count × rows × columns), label files
/// `0x00000801`. Only unsigned bytes (`tt = 0x08`) are read, which is what
/// every image dataset in this format ships.
///
/// A file starting with the gzip magic `1f 8b` is decompressed on the fly,
/// and only as far as its header says: a damaged header can neither make
/// the reader allocate more than the file really holds nor go unnoticed.
public enum IDX {
  /// The magic number of an image file (unsigned bytes, rank 3).
  public static let imagesMagic: UInt32 = 0x0000_0803
  /// The magic number of a label file (unsigned bytes, rank 1).
  public static let labelsMagic: UInt32 = 0x0000_0801

  static let unsignedByte: UInt8 = 0x08
  /// Element types the format defines; any other byte means "not IDX".
  static let knownTypes: Set<UInt8> = [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E]

  /// Reads an unsigned-byte IDX file of the given rank.
  ///
  /// - Parameters:
  ///   - url: the file, raw or gzipped.
  ///   - rank: the number of dimensions expected (3 for images, 1 for labels).
  ///   - limit: keep only the first `limit` entries of the outermost
  ///     dimension; a gzipped file is then decompressed only that far.
  /// - Throws: ``DataError`` when the file is missing, is not IDX of this
  ///   rank, or holds fewer bytes than its header promises.
  public static func read(_ url: URL, rank: Int, limit: Int? = nil) throws -> IDXArray {
    let data = try DataFile.map(url)
    return try data.withUnsafeBytes { try parse($0, rank: rank, limit: limit, path: url.path) }
  }

  /// Parses the bytes of an IDX file, raw or gzipped, exactly as ``read(_:rank:limit:)``
  /// does (it calls this); `path` names the source in errors.
  ///
  /// - Throws: ``DataError`` when the bytes are not IDX of this rank, or
  ///   hold fewer bytes than their header promises.
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, rank: Int, limit: Int? = nil, path: String = "<memory>"
  ) throws -> IDXArray {
    try withContents(of: bytes, path: path, rank: rank, limit: limit) { dimensions, count, payload in
      IDXArray(dimensions: [count] + dimensions.dropFirst(), bytes: Array(payload.bindMemory(to: UInt8.self)))
    }
  }

  /// Writes `array` as a raw (or, with `compressed`, gzipped) IDX file.
  ///
  /// Tests use this to build small datasets on disk.
  public static func write(_ array: IDXArray, to url: URL, compressed: Bool = false) throws {
    precondition(array.dimensions.count <= 255, "IDX: rank \(array.dimensions.count) does not fit in the magic")
    precondition(array.dimensions.allSatisfy { $0 <= Int(UInt32.max) }, "IDX: a dimension exceeds 2^32 - 1")
    var file = [UInt8]()
    file.reserveCapacity(4 + 4 * array.dimensions.count + array.bytes.count)
    appendBigEndian(UInt32(unsignedByte) << 8 | UInt32(array.dimensions.count), to: &file)
    for d in array.dimensions { appendBigEndian(UInt32(d), to: &file) }
    file += array.bytes
    if compressed { file = Gzip.compress(file) }
    try Data(file).write(to: url)
  }

  /// Writes `count` images of `height × width` bytes, sample after sample.
  public static func writeImages(
    _ pixels: [UInt8], count: Int, height: Int, width: Int, to url: URL, compressed: Bool = false
  ) throws {
    try write(IDXArray(dimensions: [count, height, width], bytes: pixels), to: url, compressed: compressed)
  }

  /// Writes one label byte per sample.
  public static func writeLabels(_ labels: [UInt8], to url: URL, compressed: Bool = false) throws {
    try write(IDXArray(dimensions: [labels.count], bytes: labels), to: url, compressed: compressed)
  }

  // MARK: Reading

  /// Hands `body` the file's full header dimensions, the number of outer
  /// entries kept (`min(dimensions[0], limit)`) and their bytes, without
  /// copying a raw file.
  static func withContents<T>(
    of url: URL, rank: Int, limit: Int?,
    _ body: (_ dimensions: [Int], _ count: Int, _ payload: UnsafeRawBufferPointer) throws -> T
  ) throws -> T {
    let data = try DataFile.map(url)
    return try data.withUnsafeBytes { try withContents(of: $0, path: url.path, rank: rank, limit: limit, body) }
  }

  /// ``withContents(of:rank:limit:_:)`` over bytes already in memory.
  static func withContents<T>(
    of file: UnsafeRawBufferPointer, path: String, rank: Int, limit: Int?,
    _ body: (_ dimensions: [Int], _ count: Int, _ payload: UnsafeRawBufferPointer) throws -> T
  ) throws -> T {
    precondition(rank >= 1, "IDX: rank must be at least 1")
    precondition(limit.map { $0 >= 0 } ?? true, "IDX: limit must be non-negative")
    if Gzip.isGzip(file) {
      let inflater = try GzipInflater(file, path: path)
      let header = try Header(path: path, rank: rank, fileBytes: file.count) { try inflater.read(upTo: $0) }
      let count = min(header.dimensions[0], limit ?? .max)
      let wanted = count * header.sampleBytes
      return try inflater.withBytes(upTo: wanted) { payload in
        guard payload.count == wanted else {
          throw DataError.truncated(
            path: path, expected: header.size + wanted, found: header.size + payload.count)
        }
        if count == header.dimensions[0] {
          // Everything was asked for: read on to the trailer so zlib checks the CRC.
          _ = try inflater.finish()
          guard inflater.endedCleanly else {
            throw DataError.corruptGzip(
              path: path, detail: "the stream stops before its gzip trailer, so the file was cut short")
          }
        }
        return try body(header.dimensions, count, payload)
      }
    } else {
      var offset = 0
      let header = try Header(path: path, rank: rank, fileBytes: file.count) { n in
        let end = min(offset + n, file.count)
        defer { offset = end }
        return Array(file[offset..<end])
      }
      // The whole promise is checked even under a limit: the size is known for free.
      guard file.count - header.size >= header.payloadBytes else {
        throw DataError.truncated(path: path, expected: header.size + header.payloadBytes, found: file.count)
      }
      let count = min(header.dimensions[0], limit ?? .max)
      let start = header.size
      return try body(
        header.dimensions, count, UnsafeRawBufferPointer(rebasing: file[start..<start + count * header.sampleBytes]))
    }
  }

  /// A validated IDX header.
  struct Header {
    var dimensions: [Int]
    /// Bytes of the magic and dimensions.
    var size: Int
    /// Bytes of one outer entry (one image, one label).
    var sampleBytes: Int
    /// Bytes of all the elements the header promises.
    var payloadBytes: Int

    /// Reads and checks a header through `next(n)`, which returns up to `n`
    /// bytes (fewer only at the end of the file).
    ///
    /// The dimensions' product is checked for overflow and against what a
    /// file of `fileBytes` could hold, compressed at deflate's best ratio,
    /// before anything is allocated from it.
    init(path: String, rank: Int, fileBytes: Int, next: (Int) throws -> [UInt8]) throws {
      size = 4 + 4 * rank
      let magicBytes = try next(4)
      guard magicBytes.count == 4 else {
        throw DataError.truncated(path: path, expected: size, found: magicBytes.count)
      }
      let magic = IDX.bigEndian(magicBytes[...])
      let expected = UInt32(IDX.unsignedByte) << 8 | UInt32(rank)
      let type = UInt8(truncatingIfNeeded: magic >> 8)
      guard magic >> 16 == 0, IDX.knownTypes.contains(type) else {
        throw DataError.badMagic(path: path, expected: expected, found: magic)
      }
      guard type == IDX.unsignedByte else { throw DataError.unsupportedType(path: path, typeCode: type) }
      guard magic == expected else { throw DataError.badMagic(path: path, expected: expected, found: magic) }

      let dimensionBytes = try next(4 * rank)
      guard dimensionBytes.count == 4 * rank else {
        throw DataError.truncated(path: path, expected: size, found: 4 + dimensionBytes.count)
      }
      dimensions = (0..<rank).map { Int(IDX.bigEndian(dimensionBytes[4 * $0..<4 * $0 + 4])) }

      // A zero dimension makes the product 0 whatever the others are, but the
      // others must still multiply without overflow: IDXArray and the
      // loaders multiply them in other orders.
      var nonzero = 1
      var overflow = false
      for d in dimensions where d != 0 && !overflow { (nonzero, overflow) = nonzero.multipliedReportingOverflow(by: d) }
      var product = 1
      for d in dimensions.dropFirst() where !overflow {
        (product, overflow) = product.multipliedReportingOverflow(by: d)
      }
      sampleBytes = product
      var total = product
      if !overflow { (total, overflow) = product.multipliedReportingOverflow(by: dimensions[0]) }
      let (capacity, capacityOverflow) = fileBytes.multipliedReportingOverflow(by: Gzip.maximumRatio)
      if overflow || (!capacityOverflow && total > capacity) {
        throw DataError.absurdDimensions(path: path, dimensions: dimensions, fileBytes: fileBytes)
      }
      payloadBytes = total
    }
  }

  static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.reduce(0) { $0 << 8 | UInt32($1) }
  }

  private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }
}
