"""A realtime websocket's client side as ASGI messages, for the tests that drive the endpoint
and its sockets in-process (no socket)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from appsync.realtime.endpoint import RealtimeRuntime
from tests.unit.appsync.api_support import API_KEY, load_test_api

HEADERS = {"host": "example1234567890000.appsync-api.us-east-1.amazonaws.com", "x-api-key": API_KEY}


class AsgiClient:
    """The client's side of one websocket: what it sends the app, and what the app sends it."""

    def __init__(self) -> None:
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def receive(self) -> dict[str, Any]:
        return await self.to_app.get()

    async def send(self, message: MutableMapping[str, Any]) -> None:
        await self.from_app.put(dict(message))

    def frame(self, frame: dict[str, Any]) -> None:
        self.to_app.put_nowait({"type": "websocket.receive", "text": json.dumps(frame)})

    async def next_frame(self) -> dict[str, Any]:
        message = await asyncio.wait_for(self.from_app.get(), 5)
        assert message["type"] == "websocket.send", message
        frame: dict[str, Any] = json.loads(message["text"])
        return frame


def socket_scope(header: dict[str, str] | None) -> dict[str, Any]:
    query = b""
    if header is not None:
        query = b"header=" + base64.b64encode(json.dumps(header).encode()) + b"&payload=e30="
    return {
        "type": "websocket",
        "path": "/graphql/realtime",
        "raw_path": b"/graphql/realtime",
        "query_string": query,
        "headers": [],
        "subprotocols": ["graphql-ws"],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 20002),
        "extensions": {"websocket.http.response": {}},
    }


def start(client: AsgiClient, query: str) -> None:
    """The client's `start` of subscription `s1`."""
    payload = {
        "data": json.dumps({"query": query, "variables": {}}),
        "extensions": {"authorization": HEADERS},
    }
    client.frame({"id": "s1", "type": "start", "payload": payload})


def runtime_of(folder: Path) -> RealtimeRuntime:
    return load_test_api(folder).realtime
