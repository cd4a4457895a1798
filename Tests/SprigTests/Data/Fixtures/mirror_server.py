#!/usr/bin/env python3
"""A dataset mirror for the download tests: serves DIR on 127.0.0.1 only.

usage: mirror_server.py DIR LOG

Prints the port it listens on as its first line of standard output, then
serves the files under DIR with GET (and HEAD). A path may start with
prefixes that change how the file is served, so that a test can build a
"mirror" base URL out of them:

  /cut/N/...      send the headers of the full (or ranged) response, then
                  close the connection after N body bytes
  /status/CODE/...  answer CODE (404, 500, ...) with a short body
  /body/N/...     make such an error body N bytes long (a large HTML error page)
  /norange/...    ignore a Range header: 200 and the whole file

`Range: bytes=N-` (and `bytes=N-M`) is answered 206 with Content-Range and
Content-Length, or 416 when N is at or past the end of the file.

Every request is appended to LOG as one JSON object per line:
{"method": "GET", "path": "/cut/100/x.gz", "range": "bytes=100-" or null}.

The server exits when its standard input closes (the test holds a pipe) or
after 120 seconds, whichever comes first. Python standard library only.
"""

import http.server
import json
import os
import sys
import threading
import urllib.parse

LIFETIME_SECONDS = 120


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: mirror_server.py DIR LOG\n")
        sys.exit(2)
    root = os.path.realpath(sys.argv[1])
    log_path = sys.argv[2]
    log_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "SprigTestMirror/1"

        def log_message(self, format, *args):  # no chatter on stderr
            pass

        def record(self):
            entry = {"method": self.command, "path": self.path, "range": self.headers.get("Range")}
            with log_lock, open(log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry) + "\n")
                log.flush()

        def do_HEAD(self):
            self.serve(send_body=False)

        def do_GET(self):
            self.serve(send_body=True)

        def answer(self, code, text, extra=()):
            body = (text + "\n").encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in extra:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def serve(self, send_body):
            self.record()
            segments = [urllib.parse.unquote(s) for s in urllib.parse.urlsplit(self.path).path.split("/") if s]
            cut = None
            status = None
            error_body = None
            honour_range = True
            while segments:
                head = segments[0]
                if head == "cut" and len(segments) > 1 and segments[1].isdigit():
                    cut = int(segments[1])
                    segments = segments[2:]
                elif head == "status" and len(segments) > 1 and segments[1].isdigit():
                    status = int(segments[1])
                    segments = segments[2:]
                elif head == "body" and len(segments) > 1 and segments[1].isdigit():
                    error_body = int(segments[1])
                    segments = segments[2:]
                elif head == "norange":
                    honour_range = False
                    segments = segments[1:]
                else:
                    break
            if status is not None:
                text = "status %d as asked" % status
                if error_body is not None:
                    text = (text + " " + "x" * error_body)[: max(error_body - 1, 0)]
                return self.answer(status, text)
            if any(s in ("..", ".") for s in segments):
                return self.answer(403, "no climbing out")
            path = os.path.join(root, *segments)
            if not segments or not os.path.isfile(path):
                return self.answer(404, "not found: " + self.path)
            size = os.path.getsize(path)
            start, end = 0, size - 1
            code = 200
            requested = self.headers.get("Range")
            if requested and honour_range:
                spec = requested.strip()
                if not spec.startswith("bytes=") or "," in spec:
                    return self.answer(400, "unsupported range " + spec)
                first, _, last = spec[len("bytes="):].partition("-")
                if not first.isdigit() or (last and not last.isdigit()):
                    return self.answer(400, "unsupported range " + spec)
                start = int(first)
                if last:
                    end = min(int(last), size - 1)
                if start >= size or start > end:
                    return self.answer(416, "range not satisfiable", [("Content-Range", "bytes */%d" % size)])
                code = 206
            length = end - start + 1
            self.send_response(code)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(length))
            self.send_header("Accept-Ranges", "bytes" if honour_range else "none")
            if code == 206:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
            if cut is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            if not send_body:
                return
            budget = length if cut is None else min(cut, length)
            with open(path, "rb") as f:
                f.seek(start)
                while budget > 0:
                    chunk = f.read(min(65536, budget))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    budget -= len(chunk)
            self.wfile.flush()
            if cut is not None and cut < length:
                # Cut the transfer: the client was promised `length` bytes.
                self.close_connection = True

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    def stop_when_stdin_closes():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except Exception:
            pass
        os._exit(0)

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    threading.Timer(LIFETIME_SECONDS, lambda: os._exit(0)).start()

    sys.stdout.write("%d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
