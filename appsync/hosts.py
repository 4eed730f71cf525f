"""Which Host names the server answers while it serves on loopback: DNS rebinding protection.

A web page can point a name it controls (`evil.example`) at 127.0.0.1 once the browser has
loaded it; the browser then treats the local server as that page's own origin, and same-origin
requests need no CORS. Such a request still says `Host: evil.example`. So a request that reached
the server through a loopback address is answered only when its Host is a loopback name
(`localhost`, `*.localhost`, `127.0.0.1`, `[::1]`) or one the user allows (`--allowed-host`,
`server.allowedHosts`; `*.example.test` allows every subdomain). Requests that reached it
through another address (the user chose `--host` beyond loopback) are not checked: that choice
exposes the server anyway, and `serve` says so.

`listening_socket` binds where the server listens (before it starts, so a taken port is said
at once); `own_url` is the address the server reaches itself at.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import socket
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.types import Receive, Scope, Send

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on `host:port` (0 picks a free port), for uvicorn's `sockets`.

    Its connections have TCP_NODELAY (Linux and the BSDs pass it on to accepted sockets), as
    those of asyncio's own `create_server` have: asyncio sets it only for a socket whose
    protocol is IPPROTO_TCP, and `socket.create_server` makes protocol 0. Without it, uvicorn's
    two writes per response (headers, then body) met Nagle's algorithm: every response after
    the first on a kept-alive connection waited for the client's delayed ACK, 40 ms on Linux.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


@functools.lru_cache(maxsize=64)
def own_url(host: str, port: int, scheme: str = "http") -> str:
    """`<scheme>://<host>:<port>` of a server listening on `host:port`: a wildcard bind is
    reached on loopback, an IPv6 address in brackets."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


@functools.lru_cache(maxsize=64)
def is_loopback(address: str) -> bool:
    """Whether a bind address or a socket's address is a loopback one (asked on every request,
    about a few addresses: cached; parsing the address was 3% of a realtime subscribe's CPU)."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(host: str) -> str:
    """The name of a Host header value, without its port (`[::1]:8080` -> `::1`)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostPolicy:
    """The names answered besides loopback ones."""

    __slots__ = ("_answers", "_names", "_suffixes")

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        names = set()
        suffixes = [".localhost"]
        for entry in allowed:
            entry = entry.strip().lower()
            if entry.startswith("*."):
                suffixes.append(entry[1:])
            elif entry:
                names.add(host_name(entry))
        self._names = frozenset(names) | _LOOPBACK_NAMES
        self._suffixes = tuple(suffixes)
        # Hosts answered before: a client sends the same Host on every request.
        self._answers: dict[str, bool] = {}

    def allows(self, host: str) -> bool:
        answer = self._answers.get(host)
        if answer is None:
            name = host_name(host)
            answer = name in self._names or name.endswith(self._suffixes) or is_loopback(name)
            if len(self._answers) < 1024:  # bounded: Host is the client's to choose
                self._answers[host] = answer
        return answer

    def refusal(self, scope: Mapping[str, Any]) -> str | None:
        """Why a request is refused, or None. Only requests that arrived on a loopback address
        are checked; a request without a Host header (HTTP/1.0) is no rebinding."""
        server = scope.get("server")
        if not server or not is_loopback(str(server[0])):
            return None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
                if self.allows(host):
                    return None
                return (
                    f"appsync-local refuses the Host {host!r}: serving on loopback, it answers "
                    "only localhost, *.localhost, 127.0.0.1 and [::1], and the names given with "
                    "--allowed-host or server.allowedHosts (protection against DNS rebinding)"
                )
        return None


async def refuse(scope: Scope, receive: Receive, send: Send, message: str) -> None:
    """HTTP 403 with the reason; a websocket is closed before it opens (uvicorn answers 403)."""
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1008, "reason": "Host not allowed"})
        return
    body = json.dumps({"message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
