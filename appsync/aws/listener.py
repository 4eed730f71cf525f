"""The AWS endpoint on a listener of its own: `AwsOnlyApp` (what `appsync-local stepfunctions`
serves), and `extra_listener`, the fixed port of `server.dynamodb.endpoint` for scripts written
against DynamoDB Local (`--endpoint-url http://localhost:8000`).

The extra listener serves the same AWS endpoint as the server's own port (SigV4 verified, Host
checked), through uvicorn's own connection handling on a socket bound here first, so that a
taken port fails the start at once with the reason. It has no lifespan of its own: the server's
runs everything.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.server import Server

from appsync.aws.endpoint import AwsEndpoint
from appsync.hosts import HostPolicy, listening_socket, refuse
from resolvers.errors import LoopbackEndpointError

logger = logging.getLogger(__name__)
_NOT_FOUND = b'{"message":"Not Found"}'


class AwsOnlyApp:
    """ASGI: the AWS endpoint, and for anything that is not an AWS call the `fallback` app
    (`appsync-local stepfunctions`' console), or 404 without one."""

    def __init__(
        self, endpoint: AwsEndpoint, hosts: HostPolicy, fallback: ASGIApp | None = None
    ) -> None:
        self._endpoint = endpoint
        self._hosts = hosts
        self._fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        refusal = self._hosts.refusal(scope)
        if refusal is not None:
            await refuse(scope, receive, send, refusal)
            return
        if scope["type"] == "http" and self._endpoint.claims(scope):
            await self._endpoint(scope, receive, send)
            return
        if self._fallback is not None:
            await self._fallback(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = [(b"content-type", b"application/json"), (b"content-length", b"23")]
        await send({"type": "http.response.start", "status": 404, "headers": headers})
        await send({"type": "http.response.body", "body": _NOT_FOUND})


@asynccontextmanager
async def extra_listener(app: ASGIApp, host: str, port: int) -> AsyncIterator[str]:
    """Serve `app` on `host:port` (0: a free port) while inside; yields its URL."""
    try:
        listener = listening_socket(host, port)
    except OSError as error:
        # create_server's own wording adds the address, which the message already names.
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise LoopbackEndpointError(host, port, reason) from error
    config = Config(app, lifespan="off", log_level="warning")
    config.load()
    server = Server(config)
    # What uvicorn's own `serve` sets up before `startup`, without its signal handlers: the
    # server's process already has them.
    server.lifespan = config.lifespan_class(config)
    try:
        await server.startup(sockets=[listener])
        bound_port = listener.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{bound_port}"
        logger.info("the AWS endpoint also listens on %s", url)
        yield url
    finally:
        await server.shutdown(sockets=[listener])
        listener.close()
