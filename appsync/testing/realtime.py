"""A blocking AppSync realtime client for tests: one subscription on its own websocket, started
when `subscribe` returns (after `start_ack`), so a mutation the test makes next is delivered.

It speaks AppSync's realtime protocol as AWS documents it ("Building a real-time WebSocket
client in AWS AppSync"): the `graphql-ws` subprotocol, the authorization headers base64-encoded
in the `header` query parameter and repeated in `start`'s `extensions.authorization`,
`connection_init` / `connection_ack`, `start` / `start_ack`, `data`, `ka`, `stop` / `complete`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from appsync.testing.errors import LocalApiError

SUBPROTOCOL = Subprotocol("graphql-ws")
DEFAULT_TIMEOUT_SECONDS = 10.0


class SubscriptionError(LocalApiError):
    """The server refused the connection or the subscription, or did not answer in time."""

    def __init__(self, message: str, frame: Mapping[str, Any] | None = None) -> None:
        super().__init__(message if frame is None else f"{message}: {json.dumps(frame)}")
        self.frame = dict(frame) if frame is not None else None


class RealtimeSubscription:
    """One subscription; `next()` is the payload of its next `data` frame."""

    def __init__(
        self,
        realtime_url: str,
        headers: Mapping[str, str],
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        encoded = base64.b64encode(json.dumps(dict(headers)).encode()).decode()
        url = f"{realtime_url}?header={encoded}&payload=e30="
        self._opened = contextlib.ExitStack()
        self._socket: ClientConnection = self._opened.enter_context(
            connect(url, subprotocols=[SUBPROTOCOL], open_timeout=timeout, compression=None)
        )
        self.id = str(uuid.uuid4())
        try:
            self._send({"type": "connection_init"})
            self._expect("connection_ack", timeout)
            data = json.dumps({"query": query, "variables": dict(variables or {})})
            start = {"data": data, "extensions": {"authorization": dict(headers)}}
            self._send({"id": self.id, "type": "start", "payload": start})
            self._expect("start_ack", timeout)
        except BaseException:
            self._opened.close()
            raise

    def next(self, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> dict[str, Any]:
        """The next `data` frame's payload (`{"data": {...}}`, with `errors` when it has some)."""
        frame = self._expect("data", timeout)
        payload: dict[str, Any] = frame.get("payload", {})
        return payload

    def close(self) -> None:
        """`stop` the subscription, then close the socket."""
        with contextlib.suppress(ConnectionClosed):
            self._send({"id": self.id, "type": "stop"})
        self._opened.close()

    def __enter__(self) -> RealtimeSubscription:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, frame: Mapping[str, Any]) -> None:
        self._socket.send(json.dumps(frame))

    def _expect(self, kind: str, timeout: float) -> dict[str, Any]:
        """The next frame of `kind`, skipping `ka`; a refusal or the end is a
        SubscriptionError."""
        ends = time.monotonic() + timeout
        while True:
            left = ends - time.monotonic()
            if left <= 0:
                raise SubscriptionError(f"no {kind} frame within {timeout:g} s")
            try:
                text = self._socket.recv(timeout=left)
            except TimeoutError:
                continue
            except ConnectionClosed as closed:
                raise SubscriptionError(f"the connection closed waiting for {kind}") from closed
            frame: dict[str, Any] = json.loads(text)
            if frame.get("type") == kind:
                return frame
            if frame.get("type") in ("error", "connection_error", "complete"):
                raise SubscriptionError(f"{frame.get('type')} instead of {kind}", frame)
