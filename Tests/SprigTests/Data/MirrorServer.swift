// MirrorServer: the local HTTP mirror of the download tests (Fixtures/mirror_server.py), started and stopped from Swift.
import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// A dataset mirror on 127.0.0.1, serving a folder with python3's
/// http.server (see `Fixtures/mirror_server.py`): Range requests, and path
/// prefixes that cut a transfer (`cut/N/`), answer an error status
/// (`status/CODE/`) or ignore Range (`norange/`). It logs every request, and
/// exits by itself when this object stops it, when the test process dies
/// (its standard input closes) or after 120 s.
final class MirrorServer {
  /// One request the server received.
  struct Request: Decodable, Equatable {
    var method: String
    /// The path asked for, prefixes included (`/cut/100/train-images-idx3-ubyte.gz`).
    var path: String
    /// The `Range` header, if any (`bytes=100-`).
    var range: String?
  }

  /// The folder served.
  let directory: URL
  /// The port on 127.0.0.1.
  let port: Int
  /// `http://127.0.0.1:PORT/`.
  let baseURL: URL

  private let process: Process
  private let input: Pipe
  private let logURL: URL
  private let scratch: URL

  /// Starts a server for `directory`.
  ///
  /// - Throws: `XCTSkip` when python3 is not installed; an error when the
  ///   server does not report its port within 15 s.
  init(serving directory: URL) throws {
    guard let python = Self.findExecutable("python3") else {
      throw XCTSkip("python3 not installed: the download tests serve files with python3's http.server; "
        + "scripts/setup.sh --test installs it")
    }
    self.directory = directory
    scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-mirror-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    logURL = scratch.appendingPathComponent("requests.jsonl")
    let errorsURL = scratch.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)

    let process = Process()
    process.executableURL = python
    process.arguments = [Self.script.path, directory.path, logURL.path]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorsURL)
    try process.run()
    self.process = process
    self.input = input

    // The first line of its output is the port.
    let reader = output.fileHandleForReading
    let portRead = DispatchSemaphore(value: 0)
    let box = PortBox()
    DispatchQueue.global().async {
      var line = Data()
      while !line.contains(UInt8(ascii: "\n")) {
        let piece = reader.availableData
        if piece.isEmpty { break }
        line.append(piece)
      }
      box.port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
      portRead.signal()
    }
    guard portRead.wait(timeout: .now() + 15) == .success, let port = box.port else {
      process.terminate()
      let errors = (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? ""
      try? FileManager.default.removeItem(at: scratch)
      throw MirrorServerError(message: "mirror_server.py did not report its port: \(errors)")
    }
    self.port = port
    baseURL = URL(string: "http://127.0.0.1:\(port)/")!
  }

  deinit { stop() }

  /// A mirror base URL made of path prefixes, e.g. `url(prefix: "cut/1000/good/")`.
  func url(prefix: String) -> URL {
    let trimmed = prefix.hasPrefix("/") ? String(prefix.dropFirst()) : prefix
    return URL(string: trimmed.isEmpty || trimmed.hasSuffix("/") ? trimmed : trimmed + "/", relativeTo: baseURL)!
      .absoluteURL
  }

  /// Every request received so far, in order.
  func requests() -> [Request] {
    guard let text = try? String(contentsOf: logURL, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
  }

  /// The GET requests whose path ends with `/name`.
  func gets(of name: String) -> [Request] {
    requests().filter { $0.method == "GET" && $0.path.hasSuffix("/" + name) }
  }

  /// Stops the server (closing its standard input) and removes its log.
  func stop() {
    guard process.isRunning else {
      try? FileManager.default.removeItem(at: scratch)
      return
    }
    try? input.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(5)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(at: scratch)
  }

  /// A port on 127.0.0.1 that nothing listens on (bound, read, then closed).
  static func closedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0, "socket() failed")
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    precondition(bound, "bind() on 127.0.0.1 failed")
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// `Fixtures/mirror_server.py`, beside this file.
  static var script: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures", isDirectory: true).appendingPathComponent("mirror_server.py")
  }

  /// The first executable `name` on `PATH`.
  static func findExecutable(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  private final class PortBox: @unchecked Sendable { var port: Int? }
}

/// The server could not be started.
struct MirrorServerError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
