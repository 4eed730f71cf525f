"""uvicorn's server as `serve` and its workers run it: telling when it serves.

`ListeningServer.served()` runs once the server's sockets listen and the app's lifespan has
started (the port is known only then, when `--port 0` picked it). A start uvicorn cannot make
(its lifespan failed, a socket it cannot serve) makes uvicorn log why and exit; here the server
stops instead, `started` false, and the caller reports it (`serve` exits with 1).

`LongPollServer` answers the engine's GetActivityTask long polls as it begins to shut down.
"""

from __future__ import annotations

import socket
from typing import Protocol

import uvicorn


class ListeningServer(uvicorn.Server):
    """uvicorn's server with a `served()` hook; see the module's docstring."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        except SystemExit:
            # uvicorn exits when it cannot serve (it has logged why); the caller reports it.
            self.should_exit = True
            return
        if self.started:
            self.served()

    def served(self) -> None:
        """Called once, when the server listens and its lifespan has started."""


class LongPolls(Protocol):
    """What holds GetActivityTask long polls open: the engine (`StepFunctionsService`), or what
    stands for it until it runs (`appsync.engine_start.StepFunctionsEngine`)."""

    def end_long_polls(self) -> None: ...


class LongPollServer(uvicorn.Server):
    """uvicorn's server, which answers the engine's GetActivityTask long polls as it starts to
    shut down. uvicorn lets every open request finish before it stops, and an activity worker
    is always in a poll of up to 60 seconds: without this, Ctrl+C would wait for it."""

    def __init__(self, config: uvicorn.Config, polls: LongPolls) -> None:
        super().__init__(config)
        self._polls = polls

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Before uvicorn's own shutdown, which closes the listeners and then waits for open
        # requests: the polls it would wait for are answered (empty) first.
        self._polls.end_long_polls()
        await super().shutdown(sockets)
