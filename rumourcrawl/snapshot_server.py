"""A loopback HTTP server for a folder of saved pages: the demo site and the test fixtures.

`{{BASE}}` in .html/.xml/.txt files becomes the server's own address, so feeds and sitemaps point
back at it on whatever port it got. Files are served with an ETag and Last-Modified and answer
If-None-Match / If-Modified-Since with 304, as news sites' feeds do. `_routes.json` in the folder
declares special responses, {"/path": {…}} with any of:

- "status", "content_type", "body", "headers": the response as given ("body" replaces the file);
  text types get "; charset=utf-8" unless they name a charset or the route says "no_charset": true;
- "file": serve this other file of the folder (e.g. a page under a wrong charset header);
- "fail_times": answer with "status" only that many times, then serve normally (a passing fault);
- "delay": seconds to wait before answering (a slow server);
- "hold": true: answer only once `server.release()` is called (tests use it to catch a crawl
  mid-way without guessing at timings);
- "generate": "large" (an HTML page of "size" bytes) or "gzip_bomb" (gzip of "size" zero bytes),
  made at request time so no big file is kept in the repository;
- "gzip": true: gzip the body and say so in Content-Encoding; "truncate": keep only that many
  bytes of the (encoded) body, with a Content-Length that matches (a cut-off gzip stream);
- "reset_after": send that many bytes of the body, then reset the connection (TCP RST);
- "validators": false: no ETag/Last-Modified, no 304.

Every request is logged in `server.log` (method, path, status and the conditional headers).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import socket
import struct
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_TEMPLATED = (".html", ".htm", ".xml", ".txt", ".rss", ".atom")


def _not_modified(request_headers, etag: str, modified: int) -> bool:
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    if_modified_since = request_headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            return modified <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


class SnapshotServer:
    """Serve `root` on 127.0.0.1 from a background thread; use as a context manager."""

    def __init__(self, root: str | Path, port: int = 0):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"no such site folder: {self.root}")
        routes_file = self.root / "_routes.json"
        self.routes = json.loads(routes_file.read_text(encoding="utf-8")) if routes_file.exists() else {}
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status), for tests
        self.log: list[dict] = []  # the same requests with their conditional headers and User-Agent
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}  # path → faults served so far, for "fail_times"
        self._generated: dict[tuple, bytes] = {}
        self._released = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def start(self) -> SnapshotServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="snapshot-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SnapshotServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def release(self) -> None:
        """Let every request held by a "hold" route (and any later one) be answered."""
        self._released.set()

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [path for _method, path, _status in self.requests]

    def _resolve(self, path: str) -> Path | None:
        candidate = (self.root / unquote(path).lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root) or candidate.name.startswith("_"):
            return None  # no escaping the folder, no serving the route table
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _route(self, path: str) -> dict:
        route = dict(self.routes.get(path, {}))
        if "fail_times" in route:
            with self._lock:
                served = self._failures.get(path, 0)
                self._failures[path] = served + 1
            if served >= route["fail_times"]:  # the fault has passed: serve the page itself
                for key in ("status", "body", "headers"):
                    route.pop(key, None)
        return route

    def _generate(self, kind: str, size: int) -> bytes:
        with self._lock:
            if (kind, size) not in self._generated:
                if kind == "large":
                    paragraph = b"<p>Transfer news padding paragraph, repeated to make a very large page.</p>\n"
                    filler = paragraph * (size // len(paragraph) + 1)
                    self._generated[kind, size] = (b"<html><body>" + filler)[:size]
                elif kind == "gzip_bomb":
                    self._generated[kind, size] = gzip.compress(b"\0" * size, compresslevel=9)
                else:
                    raise ValueError(f"unknown generated body {kind!r}")
            return self._generated[kind, size]

    def respond(self, path: str, request_headers=None) -> tuple[int, dict[str, str], bytes]:
        route = self._route(path)
        file = self._resolve(route.get("file", path))
        status = route.get("status", 200 if (file or "body" in route or "generate" in route) else 404)
        headers: dict[str, str] = {}
        if "generate" in route:
            body = self._generate(route["generate"], int(route.get("size", 1024 * 1024)))
            if route["generate"] == "gzip_bomb":
                headers["Content-Encoding"] = "gzip"
        elif "body" in route:
            body = route["body"].encode("utf-8")
        elif file and status < 400:
            body = file.read_bytes()
            if file.suffix in _TEMPLATED:
                body = body.replace(b"{{BASE}}", self.base_url.encode())
            if status == 200 and route.get("validators", True):
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                modified = int(file.stat().st_mtime)
                headers |= {"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True)}
                if _not_modified(request_headers or {}, etag, modified):
                    status, body = 304, b""
        else:
            body = f"{status} error\n".encode()
        if route.get("gzip") and status != 304:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        if "truncate" in route:
            body = body[: route["truncate"]]
        guessed = mimetypes.guess_type(file.name if file else path)[0]
        content_type = route.get("content_type") or guessed or "text/html"
        if (content_type.startswith("text/") or content_type.endswith("xml")) and not route.get("no_charset"):
            content_type += "; charset=utf-8" if "charset" not in content_type else ""
        headers = {"Content-Type": content_type, **headers, **route.get("headers", {})}
        return status, headers, body

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, send_body: bool):
                path = urlsplit(self.path).path
                route = server.routes.get(path, {})
                status, headers, body = server.respond(path, self.headers)
                with server._lock:
                    server.requests.append((self.command, path, status))
                    server.log.append(
                        {
                            "method": self.command,
                            "path": path,
                            "status": status,
                            "if_none_match": self.headers.get("If-None-Match"),
                            "if_modified_since": self.headers.get("If-Modified-Since"),
                            "user_agent": self.headers.get("User-Agent"),
                        }
                    )
                if route.get("delay"):
                    time.sleep(route["delay"])
                if route.get("hold"):
                    server._released.wait(timeout=120)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if not send_body or status == 304:
                        return
                    if "reset_after" in route:
                        self.wfile.write(body[: route["reset_after"]])
                        # SO_LINGER 0: close() sends RST instead of an orderly FIN
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        self.connection.close()
                        self.close_connection = True
                        return
                    for start in range(0, len(body), 1 << 16):
                        self.wfile.write(body[start : start + (1 << 16)])
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (e.g. a page over its size limit)

            def do_GET(self):  # noqa: N802 (http.server's naming)
                self._serve(True)

            def do_HEAD(self):  # noqa: N802
                self._serve(False)

            def log_message(self, format, *args):  # keep the demo's output to the summary
                pass

        return Handler
