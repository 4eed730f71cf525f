"""A loopback HTTP listener that records every request it gets, for the HTTP data source tests
(unit and integration): the endpoint a data source calls, or a second host nothing may reach."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    target: str = ""  # the request line's target, as sent


@dataclass
class Endpoint:
    """A loopback HTTP server that records requests and answers with `answer`."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    answer: tuple[int, dict[str, str], bytes] = (200, {"Content-Type": "application/json"}, b"{}")


@contextmanager
def serve() -> Iterator[Endpoint]:
    state = Endpoint(url="")

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            state.requests.append(
                Recorded(
                    self.command,
                    parts.path,
                    parts.query,
                    {name: value for name, value in self.headers.items()},
                    self.rfile.read(length),
                    # Not `self.path`: http.server folds a leading "//" into "/".
                    self.requestline.split(" ")[1],
                )
            )
            status, headers, body = state.answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
