"""The bundled sample web (fictional sites) served on 127.0.0.1, for `optout demo` and the tests."""

from __future__ import annotations

import http.server
import threading
from importlib import resources
from pathlib import Path
from typing import Any

PLACEHOLDER = b"SAMPLE_HOST"


def sample_root() -> Path:
    return Path(str(resources.files("crawler").joinpath("sample_web")))


class _Handler(http.server.BaseHTTPRequestHandler):
    root: Path
    host: bytes

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        target = (self.root / path.lstrip("/")).resolve()
        if self.root not in target.parents and target != self.root:
            self.send_error(404)
            return
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or target.name == "sources.toml":
            self.send_error(404)
            return
        body = target.read_bytes().replace(PLACEHOLDER, self.host)
        ctype = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".atom": "application/atom+xml",
                 ".txt": "text/plain", ".md": "text/plain; charset=utf-8"}.get(target.suffix, "application/octet-stream")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def serve_sample_web(root: Path | None = None) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving the sample web on a free loopback port; returns (server, sources TOML text)."""
    root = (root or sample_root()).resolve()
    handler = type("SampleHandler", (_Handler,), {"root": root, "host": b""})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    host = f"127.0.0.1:{server.server_address[1]}".encode()
    handler.host = host
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sources = (root / "sources.toml").read_bytes().replace(PLACEHOLDER, host).decode("utf-8")
    return server, sources
