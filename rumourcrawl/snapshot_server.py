"""A loopback HTTP server for a folder of saved pages: the demo site and the test fixtures.

`{{BASE}}` in .html/.xml/.txt files becomes the server's own address, so feeds and sitemaps point
back at it on whatever port it got. `_routes.json` in the folder declares special responses:
{"/path": {"status": 500, "content_type": "…", "body": "…", "headers": {…}}}.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_TEMPLATED = (".html", ".htm", ".xml", ".txt", ".rss", ".atom")


class SnapshotServer:
    """Serve `root` on 127.0.0.1 from a background thread; use as a context manager."""

    def __init__(self, root: str | Path, port: int = 0):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"no such site folder: {self.root}")
        routes_file = self.root / "_routes.json"
        self.routes = json.loads(routes_file.read_text(encoding="utf-8")) if routes_file.exists() else {}
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status), for tests
        self._lock = threading.Lock()
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

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        route = self.routes.get(path, {})
        file = self._resolve(path)
        status = route.get("status", 200 if (file or "body" in route) else 404)
        if "body" in route:
            body = route["body"].encode("utf-8")
        elif file and status < 400:
            body = file.read_bytes()
            if file.suffix in _TEMPLATED:
                body = body.replace(b"{{BASE}}", self.base_url.encode())
        else:
            body = f"{status} error\n".encode()
        guessed = mimetypes.guess_type(file.name if file else path)[0]
        content_type = route.get("content_type") or guessed or "text/html"
        if content_type.startswith("text/") or content_type.endswith("xml"):
            content_type += "; charset=utf-8" if "charset" not in content_type else ""
        headers = {"Content-Type": content_type, **route.get("headers", {})}
        return status, headers, body

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, send_body: bool):
                path = urlsplit(self.path).path
                status, headers, body = server.respond(path)
                with server._lock:
                    server.requests.append((self.command, path, status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def do_GET(self):  # noqa: N802 (http.server's naming)
                self._serve(True)

            def do_HEAD(self):  # noqa: N802
                self._serve(False)

            def log_message(self, format, *args):  # keep the demo's output to the summary
                pass

        return Handler
