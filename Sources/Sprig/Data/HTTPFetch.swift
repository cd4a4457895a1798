// HTTPFetch: one HTTP GET streamed onto the end of a file, resuming it with a Range request.
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A GET of `url` appended to a `.part` file, on Foundation's URLSession.
///
/// URLSession rather than async-http-client: it ships with the toolchain
/// (libcurl underneath on Linux), so it adds no package to build, and a
/// download needs nothing it lacks (redirects, TLS, Range, streaming).
/// Measured on this 2-core machine, clean debug builds of a one-line
/// package: with FoundationNetworking 9 s, with async-http-client (and the
/// SwiftNIO packages it pulls in) 426 s; swift-crypto, for SHA-256, adds 132 s.
enum HTTPFetch {
  /// How a fetch ended.
  enum Outcome: Equatable {
    /// The server sent the whole rest of the file; the file now holds
    /// `bytes` bytes, `fetched` of them sent by this request.
    case complete(bytes: Int, fetched: Int)
    /// The fetch failed; any bytes that did arrive stay in the file.
    case failed(DownloadAttempt.Failure)
  }

  /// Idle time after which a silent connection counts as broken.
  static let idleTimeout: TimeInterval = 30

  /// Appends the bytes of `url` to `file` (created if missing), asking for
  /// the rest only (`Range: bytes=N-`) when the file already holds N bytes;
  /// a server that ignores the range sends it all, and the file starts over.
  ///
  /// - Parameter progress: called with the bytes the file holds and the
  ///   size the file will have when complete, if the server says.
  /// - Throws: ``DownloadError/writeFailed(path:reason:)`` when the file
  ///   cannot be written (the file is then removed).
  static func get(_ url: URL, appendingTo file: URL, progress: @escaping (Int, Int?) -> Void) throws -> Outcome {
    if !FileManager.default.fileExists(atPath: file.path) {
      guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
        throw DownloadError.writeFailed(path: file.path, reason: "cannot create the file")
      }
    }
    let handle: FileHandle
    do {
      handle = try FileHandle(forWritingTo: file)
    } catch {
      throw DownloadError.writeFailed(path: file.path, reason: error.localizedDescription)
    }
    defer { try? handle.close() }
    let offset = Int((try? handle.seekToEnd()) ?? 0)

    var request = URLRequest(url: url)
    if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = idleTimeout
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    let receiver = Receiver(handle: handle, offset: offset, progress: progress)
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = 1
    let session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: queue)
    session.dataTask(with: request).resume()
    receiver.done.wait()
    session.finishTasksAndInvalidate()

    if let writeError = receiver.writeError {
      try? FileManager.default.removeItem(at: file)
      throw DownloadError.writeFailed(path: file.path, reason: writeError)
    }
    if let status = receiver.status, !(200..<300).contains(status) { return .failed(.httpStatus(status)) }
    let held = receiver.written
    if let error = receiver.error {
      let reason = (error as NSError).localizedDescription
      return receiver.status == nil ? .failed(.unreachable(reason: reason)) : .failed(.interrupted(received: held, reason: reason))
    }
    if let total = receiver.total, held < total {
      return .failed(.interrupted(received: held, reason: "the server closed the connection at \(held) of \(total) bytes"))
    }
    return .complete(bytes: held, fetched: held - receiver.startedAt)
  }

  /// What a response's status line and Content-Length mean for a file that
  /// already holds `held` bytes: the only part of a server's reply Sprig
  /// interprets itself (URLSession and libcurl parse the headers).
  struct ResponseStart: Equatable {
    /// A 2xx status: only then is the body the file's.
    var accepted: Bool
    /// The body is the whole file again (any 2xx but 206), so the file starts over.
    var restarts: Bool
    /// The size the file will have when complete, if the server says.
    var total: Int?

    /// - Parameter contentLength: URLSession's `expectedContentLength` (-1 when unknown).
    init(status: Int, contentLength: Int64, held: Int) {
      accepted = (200..<300).contains(status)
      restarts = status != 206
      let length = contentLength >= 0 ? Int(contentLength) : nil
      if restarts {
        total = length
      } else {
        // A length so large that the sum overflows is a server's nonsense:
        // the size only drives progress and the cut-short check, the SHA-256
        // decides, so it is treated as unknown rather than trusted.
        total = length.flatMap { l in
          let (sum, overflow) = l.addingReportingOverflow(held)
          return overflow ? nil : sum
        }
      }
    }
  }

  /// URLSession's delegate: writes each piece as it arrives.
  private final class Receiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let handle: FileHandle
    let progress: (Int, Int?) -> Void
    let done = DispatchSemaphore(value: 0)
    /// Bytes the file holds.
    var written: Int
    /// Bytes it held when the body began (0 after a restart).
    var startedAt = 0
    /// A 2xx status: only then is the body the file's (an error page is not).
    var accepted = false
    /// The size the file will have when complete, if the server says.
    var total: Int?
    var status: Int?
    var error: Error?
    var writeError: String?

    init(handle: FileHandle, offset: Int, progress: @escaping (Int, Int?) -> Void) {
      self.handle = handle
      self.written = offset
      self.progress = progress
    }

    func urlSession(
      _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
      completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
      let code = (response as? HTTPURLResponse)?.statusCode ?? 200
      status = code
      let start = ResponseStart(status: code, contentLength: response.expectedContentLength, held: written)
      guard start.accepted else { return completionHandler(.cancel) }
      accepted = true
      if !start.restarts {
        total = start.total
      } else {
        // A 200 to a Range request is the whole file again: start over.
        do {
          try handle.truncate(atOffset: 0)
        } catch {
          writeError = error.localizedDescription
          return completionHandler(.cancel)
        }
        written = 0
        total = start.total
      }
      startedAt = written
      progress(written, total)
      completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
      // On Linux an error page's body still arrives after the cancel.
      guard accepted, writeError == nil else { return }
      do {
        try handle.write(contentsOf: data)
        written += data.count
        progress(written, total)
      } catch {
        writeError = error.localizedDescription
        dataTask.cancel()
      }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
      // A cancel of our own (bad status, write error) is already recorded.
      if writeError == nil, status.map({ (200..<300).contains($0) }) ?? true { self.error = error }
      done.signal()
    }
  }
}
