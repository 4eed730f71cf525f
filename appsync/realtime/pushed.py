"""What stands for uvicorn's receive queue on a websocket served without ASGI (`native.py`).

uvicorn's websocket protocol queues each message it reads (and the disconnect) for the ASGI
app's `receive`, pausing the socket's reading until the app takes it. A socket served in its
own protocol object has no app reading a queue: `PushedMessages` hands every message to the
socket at once (`Receiver.receive_now`), and holds them only until the socket exists (its
credentials are authenticated after the upgrade is read, before it is accepted).
"""

from __future__ import annotations

from typing import Any, Protocol


class Receiver(Protocol):
    """The socket's side (`socket.RealtimeSocket`)."""

    def receive_now(self, message: Any) -> None: ...


class PushedMessages:
    """uvicorn's `put_nowait` and `empty`, handing each message to the receiver at once."""

    __slots__ = ("_receiver", "_waiting")

    def __init__(self) -> None:
        self._receiver: Receiver | None = None
        self._waiting: list[Any] | None = None

    def empty(self) -> bool:
        return True

    def put_nowait(self, message: Any) -> None:
        receiver = self._receiver
        if receiver is not None:
            receiver.receive_now(message)
        elif self._waiting is None:
            self._waiting = [message]
        else:
            self._waiting.append(message)

    def attach(self, receiver: Receiver) -> None:
        """From now on messages go to `receiver`; those that came before it, first."""
        self._receiver = receiver
        waiting, self._waiting = self._waiting, None
        for message in waiting or ():
            receiver.receive_now(message)
