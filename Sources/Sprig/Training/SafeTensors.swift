// SafeTensors: reading and writing the safetensors file layout (an 8-byte
// little-endian header length, a JSON header, raw little-endian arrays), so
// Python users open Sprig checkpoints with the `safetensors` package.
import Foundation

/// One array in a safetensors file.
public enum TensorData: Equatable, Sendable {
  case float32([Float])
  case int32([Int32])

  var dtype: String {
    switch self {
    case .float32: return "F32"
    case .int32: return "I32"
    }
  }

  var count: Int {
    switch self {
    case .float32(let a): return a.count
    case .int32(let a): return a.count
    }
  }

  /// The values as `Float`s, if this is an F32 tensor.
  public var floats: [Float]? { if case .float32(let a) = self { return a } else { return nil } }
  /// The values as `Int32`s, if this is an I32 tensor.
  public var int32s: [Int32]? { if case .int32(let a) = self { return a } else { return nil } }
}

/// A named array and its shape.
public struct Tensor: Equatable, Sendable {
  public var shape: [Int]
  public var data: TensorData
  public init(shape: [Int], data: TensorData) {
    precondition(shape.reduce(1, *) == data.count, "Tensor: shape \(shape) does not hold \(data.count) values")
    self.shape = shape
    self.data = data
  }
}

/// Errors reading a safetensors file.
public enum SafeTensorsError: Error, CustomStringConvertible {
  case unreadable(path: String, reason: String)
  case truncated(path: String, expected: Int, found: Int)
  case badHeader(path: String, reason: String)
  case missingTensor(path: String, name: String)
  case wrongType(path: String, name: String, expected: String, found: String)

  public var description: String {
    switch self {
    case .unreadable(let p, let r):
      return "\(p): cannot read the checkpoint (\(r)). Check the path and permissions."
    case .truncated(let p, let e, let f):
      return "\(p): the checkpoint is truncated (expected \(e) bytes, found \(f)). It was not written completely; use the previous checkpoint or retrain."
    case .badHeader(let p, let r):
      return "\(p): not a valid safetensors file (\(r)). Pass a model.safetensors written by `sprig train`."
    case .missingTensor(let p, let n):
      return "\(p): the checkpoint has no tensor \"\(n)\"; it does not match the model its metadata describes. Was it written by another program or version?"
    case .wrongType(let p, let n, let e, let f):
      return "\(p): tensor \"\(n)\" is \(f), expected \(e)."
    }
  }
}

/// A safetensors file's contents: named tensors and string metadata.
public struct SafeTensorsFile: Sendable {
  public var tensors: [String: Tensor]
  public var metadata: [String: String]

  public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// The tensor `name` as Float32 values, or a typed error naming `path`.
  public func floats(_ name: String, path: String) throws -> [Float] {
    guard let t = tensors[name] else { throw SafeTensorsError.missingTensor(path: path, name: name) }
    guard let a = t.data.floats else { throw SafeTensorsError.wrongType(path: path, name: name, expected: "F32", found: t.data.dtype) }
    return a
  }

  /// The tensor `name` as Int32 values, or a typed error naming `path`.
  public func int32s(_ name: String, path: String) throws -> [Int32] {
    guard let t = tensors[name] else { throw SafeTensorsError.missingTensor(path: path, name: name) }
    guard let a = t.data.int32s else { throw SafeTensorsError.wrongType(path: path, name: name, expected: "I32", found: t.data.dtype) }
    return a
  }

  /// The file's bytes. Tensors are laid out in name order; the header is
  /// padded with spaces to a multiple of 8 bytes, as the format recommends.
  public func serialized() throws -> Data {
    var header: [String: Any] = [:]
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var offset = 0
    let names = tensors.keys.sorted()
    for name in names {
      let t = tensors[name]!
      let bytes = t.data.count * 4
      header[name] = ["dtype": t.data.dtype, "shape": t.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
      offset += bytes
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var out = Data(capacity: 8 + json.count + offset)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(json)
    for name in names {
      // x86-64 and arm64 are little-endian, which is what the format stores.
      switch tensors[name]!.data {
      case .float32(let a): a.withUnsafeBytes { out.append(contentsOf: $0) }
      case .int32(let a): a.withUnsafeBytes { out.append(contentsOf: $0) }
      }
    }
    return out
  }

  /// Writes the file through ``DurableFile``: a crash, a power cut or a full
  /// disk never leaves a half-written checkpoint, and a failed write keeps
  /// the file from before.
  public func write(to url: URL) throws {
    try DurableFile.write(try serialized(), to: url)
  }

  /// Reads and validates a safetensors file.
  public init(contentsOf url: URL) throws {
    let path = url.path
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw SafeTensorsError.unreadable(path: path, reason: error.localizedDescription)
    }
    try self.init(data: data, path: path)
  }

  /// Parses safetensors bytes; `path` names the source in errors.
  public init(data: Data, path: String) throws {
    guard data.count >= 8 else { throw SafeTensorsError.truncated(path: path, expected: 8, found: data.count) }
    let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
    guard headerLength <= UInt64(data.count - 8) else {
      throw SafeTensorsError.truncated(path: path, expected: 8 + Int(min(headerLength, UInt64(Int.max - 8))), found: data.count)
    }
    let body = 8 + Int(headerLength)
    guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<body)) as? [String: Any] else {
      throw SafeTensorsError.badHeader(path: path, reason: "the header is not a JSON object")
    }
    var tensors: [String: Tensor] = [:]
    var metadata: [String: String] = [:]
    for (name, value) in header {
      if name == "__metadata__" {
        guard let m = value as? [String: String] else {
          throw SafeTensorsError.badHeader(path: path, reason: "__metadata__ must map strings to strings")
        }
        metadata = m
        continue
      }
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
        let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
        shape.allSatisfy({ $0 >= 0 })
      else { throw SafeTensorsError.badHeader(path: path, reason: "tensor \"\(name)\" lacks dtype, shape or data_offsets") }
      // Offsets and shape are the file's word: checked before any arithmetic can overflow.
      guard offsets[0] >= 0, offsets[0] <= offsets[1] else {
        throw SafeTensorsError.badHeader(path: path, reason: "tensor \"\(name)\" has offsets \(offsets)")
      }
      guard offsets[1] <= data.count - body else {
        throw SafeTensorsError.truncated(path: path, expected: Int.max - offsets[1] < body ? Int.max : body + offsets[1], found: data.count)
      }
      let (start, end) = (body + offsets[0], body + offsets[1])
      var (count, overflow) = (1, false)
      for d in shape where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: d) }
      guard !overflow, count <= (end - start) / 4, count * 4 == end - start else {
        throw SafeTensorsError.badHeader(path: path, reason: "tensor \"\(name)\" holds \(end - start) bytes for shape \(shape) of \(dtype)")
      }
      let bytes = data.subdata(in: start..<end)
      switch dtype {
      case "F32":
        tensors[name] = Tensor(shape: shape, data: .float32(bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }))
      case "I32":
        tensors[name] = Tensor(shape: shape, data: .int32(bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }))
      default:
        throw SafeTensorsError.badHeader(path: path, reason: "tensor \"\(name)\" has dtype \(dtype); Sprig reads F32 and I32")
      }
    }
    self.init(tensors: tensors, metadata: metadata)
  }
}
