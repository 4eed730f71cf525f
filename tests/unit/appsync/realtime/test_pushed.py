"""`PushedMessages`, uvicorn's receive queue on a socket served without ASGI: what uvicorn
queues reaches the socket at once, and what came before the socket existed, first and in
order."""

from __future__ import annotations

from typing import Any

from appsync.realtime.pushed import PushedMessages


class _Socket:
    def __init__(self) -> None:
        self.received: list[Any] = []

    def receive_now(self, message: Any) -> None:
        self.received.append(message)


def test_messages_before_the_socket_wait_for_it_then_go_at_once() -> None:
    queue = PushedMessages()
    queue.put_nowait({"type": "websocket.receive", "text": "one"})
    queue.put_nowait({"type": "websocket.disconnect", "code": 1006})
    # uvicorn's `receive` never waits on it, and never pauses reading for it.
    assert queue.empty()
    socket = _Socket()
    queue.attach(socket)
    assert socket.received == [
        {"type": "websocket.receive", "text": "one"},
        {"type": "websocket.disconnect", "code": 1006},
    ]
    queue.put_nowait({"type": "websocket.receive", "text": "two"})
    assert socket.received[-1] == {"type": "websocket.receive", "text": "two"}


def test_a_socket_attached_before_any_message_gets_each_as_it_comes() -> None:
    queue, socket = PushedMessages(), _Socket()
    queue.attach(socket)
    assert socket.received == []
    queue.put_nowait({"type": "websocket.receive", "text": "one"})
    assert socket.received == [{"type": "websocket.receive", "text": "one"}]
