"""Realtime sockets served in their own protocol objects (`native.py`), on a real uvicorn with
`serve`'s protocols on loopback: which upgrades take that path and which go through the ASGI
app, and that a socket served either way answers the same. The protocol's behaviour on both
paths is the realtime integration suite's (its server fixture runs each module both ways)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import websockets
from websockets.typing import Subprotocol

from appsync.realtime.socket import RealtimeSocket
from tests.integration.realtime_support import (
    RealtimeServer,
    api_key_header,
    b64,
    serve,
)


async def _subscribed(server: RealtimeServer, extra_headers: dict[str, str]) -> list[bool]:
    """Open a socket, acknowledge and subscribe it; returns, for each socket the server holds
    then, whether its messages are pushed to it (no ASGI app reads them)."""
    url = f"{server.realtime_url}?header={b64(api_key_header(server))}&payload=e30="
    async with websockets.connect(
        url, subprotocols=[Subprotocol("graphql-ws")], additional_headers=extra_headers
    ) as socket:
        await socket.send('{"type":"connection_init"}')
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        assert json.loads(await socket.recv()) == {"type": "ka"}
        payload = {
            "data": json.dumps({"query": "subscription { onAddTodo { id } }", "variables": {}}),
            "extensions": {"authorization": api_key_header(server)},
        }
        await socket.send(json.dumps({"id": "s1", "type": "start", "payload": payload}))
        assert json.loads(await socket.recv()) == {"type": "start_ack", "id": "s1"}
        assert server.runtime is not None
        members = server.runtime.keep_alive.members()
        return [member.receive is None for member in members if isinstance(member, RealtimeSocket)]


@pytest.mark.anyio
async def test_an_upgrade_to_the_realtime_path_is_served_without_the_asgi_app(
    tmp_path: Path,
) -> None:
    with serve(tmp_path) as server:
        assert await _subscribed(server, {}) == [True]


@pytest.mark.anyio
async def test_proxy_headers_send_the_upgrade_through_the_asgi_app(tmp_path: Path) -> None:
    """uvicorn's ProxyHeadersMiddleware sets the client's address from X-Forwarded-For (the
    address a Lambda authorizer and the logs see): that upgrade goes the ASGI way."""
    with serve(tmp_path) as server:
        assert await _subscribed(server, {"X-Forwarded-For": "203.0.113.7"}) == [False]


@pytest.mark.anyio
async def test_an_app_without_the_upgrade_hook_serves_every_socket_through_asgi(
    tmp_path: Path,
) -> None:
    with serve(tmp_path, native=False) as server:
        assert await _subscribed(server, {}) == [False]
