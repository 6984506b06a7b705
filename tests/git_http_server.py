"""A real git server over HTTP for tests: `git http-backend` (git's own smart-HTTP server)
behind a tiny Basic-auth check, on 127.0.0.1 only, stopped when the `with` block ends.

    with serve_git_over_http(bare_repo, token) as (url, seen_authorization):
        ...  # `url` answers only to `Authorization: Basic base64("x-access-token:<token>")`
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path


class _GitHttp(http.server.BaseHTTPRequestHandler):
    root: Path
    accepted: str
    seen_authorization: list[str]

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._serve()

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self._serve()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def _serve(self) -> None:
        authorization = self.headers.get("Authorization", "")
        self.seen_authorization.append(authorization)
        if authorization != self.accepted:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "HTTP_GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "REMOTE_USER": "reader",
            "REMOTE_ADDR": "127.0.0.1",
        }
        result = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=60)
        raw_headers, _, payload = result.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in raw_headers.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@contextlib.contextmanager
def serve_git_over_http(bare: Path, token: str) -> Iterator[tuple[str, list[str]]]:
    """Serve the bare repository `bare` (its folder's other repositories too) at an http:// URL
    that wants `token`; yields the URL and the Authorization headers the server received."""
    seen: list[str] = []
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    handler = type(
        "Handler", (_GitHttp,), {"root": bare.parent, "accepted": f"Basic {basic}", "seen_authorization": seen}
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{bare.name}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
