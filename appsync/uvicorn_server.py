"""uvicorn's server as `serve` and its workers run it: telling when it serves.

`ListeningServer.served()` runs once the server's sockets listen and the app's lifespan has
started (the port is known only then, when `--port 0` picked it). A start uvicorn cannot make
(its lifespan failed, a socket it cannot serve) makes uvicorn log why and exit; here the server
stops instead, `started` false, and the caller reports it (`serve` exits with 1).

`LongPollServer` answers the engine's GetActivityTask long polls as it begins to shut down.

As it shuts down, `ListeningServer` aborts a connection it has closed that is still there a
second later. Over TLS, closing sends `close_notify` and asyncio then waits up to 30 s
(`ssl_shutdown_timeout`) for the peer's; a client keeping an idle connection alive (boto3's
urllib3 pool, any keep-alive HTTP client) reads nothing, so never answers, and `serve` took
30 s to stop on SIGTERM. RFC 8446, 6.1: the party that closes need not wait for the other's
`close_notify` before closing its side.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Protocol

from uvicorn.config import Config
from uvicorn.server import Server

from appsync import dataclass_code

# How long a connection the server has closed may take to go before it is aborted.
CLOSE_GRACE_SECONDS = 1.0


class ListeningServer(Server):
    """uvicorn's server with a `served()` hook; see the module's docstring."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        aborting = asyncio.get_running_loop().call_later(CLOSE_GRACE_SECONDS, self._abort_closed)
        try:
            await super().shutdown(sockets)
        finally:
            aborting.cancel()

    def _abort_closed(self) -> None:
        """Abort the connections whose transports are closing (the server closed them) but
        which have not gone: a TLS peer that never answers `close_notify`. A connection still
        answering a request is not closing, and uvicorn waits for it as before."""
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if isinstance(transport, asyncio.Transport) and transport.is_closing():
                transport.abort()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        except SystemExit:
            # uvicorn exits when it cannot serve (it has logged why); the caller reports it.
            self.should_exit = True
            return
        if self.started:
            # The start is done: the dataclass methods it compiled anew are kept for the next
            # (appsync.dataclass_code; nothing when the command did not install it).
            dataclass_code.save()
            self.served()

    def served(self) -> None:
        """Called once, when the server listens and its lifespan has started."""


class LongPolls(Protocol):
    """What holds GetActivityTask long polls open: the engine (`StepFunctionsService`), or what
    stands for it until it runs (`appsync.engine_start.StepFunctionsEngine`)."""

    def end_long_polls(self) -> None: ...


class LongPollServer(Server):
    """uvicorn's server, which answers the engine's GetActivityTask long polls as it starts to
    shut down. uvicorn lets every open request finish before it stops, and an activity worker
    is always in a poll of up to 60 seconds: without this, Ctrl+C would wait for it."""

    def __init__(self, config: Config, polls: LongPolls) -> None:
        super().__init__(config)
        self._polls = polls

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Before uvicorn's own shutdown, which closes the listeners and then waits for open
        # requests: the polls it would wait for are answered (empty) first.
        self._polls.end_long_polls()
        await super().shutdown(sockets)
