"""uvicorn's server as `serve` and its workers run it: telling when it serves.

`ListeningServer.served()` runs once the server's sockets listen and the app's lifespan has
started (the port is known only then, when `--port 0` picked it). A start uvicorn cannot make
(its lifespan failed, a socket it cannot serve) makes uvicorn log why and exit; here the server
stops instead, `started` false, and the caller reports it (`serve` exits with 1).
"""

from __future__ import annotations

import socket

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
