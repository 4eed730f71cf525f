"""`/console/graphql`: the console's Strawberry schema served over HTTP POST and over
graphql-transport-ws (graphql-ws's protocol, which the front end's `graphql-ws` client speaks),
behind the console token (`appsync.console.access`).

HTTP: anything but POST is 405, and a POST without the token 401, both before Strawberry reads
the body, with a GraphQL error body whose `extensions.errorType` names the refusal; no CORS
header is ever sent, so no preflight from another origin succeeds. Websockets: Strawberry
refuses a handshake from another origin, and a `connection_init` without the token is closed
with 4403. GET queries and Strawberry's own IDE (which loads from a CDN) are off: the console's
explorer is the IDE.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from appsync.console.access import ConsoleToken, authorization
from appsync.console.context import ConsoleContext, ConsoleServices

UNAUTHORIZED_MESSAGE = (
    "The console API needs this server's console token: `Authorization: Bearer <token>` "
    "(printed by appsync-local when it starts, and kept in the data directory's console-token)"
)
# A client that opens a socket must say who it is soon.
_INIT_WAIT = timedelta(seconds=10)


def _refusal(status: int, error_type: str, message: str) -> Response:
    body = {"data": None, "errors": [{"message": message, "extensions": {"errorType": error_type}}]}
    headers = {"allow": "POST"} if status == 405 else None
    return JSONResponse(body, status, headers)


class ConsoleView(GraphQL[ConsoleContext, None]):
    """Strawberry's ASGI view with the console's context and the token checked on sockets."""

    def __init__(
        self,
        schema: BaseSchema,
        services: ConsoleServices,
        token: ConsoleToken,
        on_call: Callable[[], None],
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=_INIT_WAIT,
        )
        self._services = services
        self._token = token
        self._on_call = on_call

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> ConsoleContext:
        return ConsoleContext(self._services, request)

    async def on_ws_connect(self, context: ConsoleContext) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        presented = params.get("authorization")
        if not isinstance(presented, str) or not self._token.accepts(presented):
            raise ConnectionRejectionError(
                {"errorType": "UnauthorizedException", "message": UNAUTHORIZED_MESSAGE}
            )
        self._on_call()
        acknowledged: UnsetType = UNSET  # connection_ack without a payload
        return acknowledged


class ConsoleApi:
    """ASGI: the console API, its HTTP requests checked before Strawberry reads them."""

    def __init__(
        self,
        schema: BaseSchema,
        services: ConsoleServices,
        token: ConsoleToken,
        on_call: Callable[[], None] = lambda: None,
    ) -> None:
        self._token = token
        self._on_call = on_call
        self.view = ConsoleView(schema, services, token, on_call)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if scope["method"] != "POST":
                message = "The console API takes POST requests (subscriptions: a websocket)"
                await _refusal(405, "MethodNotAllowed", message)(scope, receive, send)
                return
            if not self._token.accepts(authorization(scope)):
                refusal = _refusal(401, "UnauthorizedException", UNAUTHORIZED_MESSAGE)
                await refusal(scope, receive, send)
                return
            self._on_call()
        await self.view(scope, receive, send)
