"""The console's routes: its pages and assets under `/console/`, `/console/config.json`, and its
own GraphQL API at `/console/graphql`.

`GET /` sends a browser (an `Accept` naming `text/html`) to the console and answers other
clients with the API's name and GraphQL path as before; `GET /graphql` without a query does the
same for a browser, while API clients keep AppSync's 400 (`AppSyncApp` asks `wants_console`).
Assets are Vite's content-hashed files, cached for a year; the pages and the config are
revalidated on each load. `config.json` tells the page what the server serves (`sections`), and
hands it the console token when the page was loaded on this machine (`appsync.console.access`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, TypedDict

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from appsync.console.access import ConsoleToken, from_this_machine
from definition.authorization import AuthenticationType, AuthProviderSpec
from definition.model import ApiDefinition

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONSOLE_PATH = "/console/"
CONSOLE_API_PATH = "/console/graphql"

# A websocket's scheme, as the HTTP scheme of the same origin.
_HTTP_SCHEMES = {"ws": "http", "wss": "https"}
_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"


class Section(StrEnum):
    """The console's sections; `appsync-local stepfunctions` serves only STEP_FUNCTIONS."""

    EXPLORER = "explorer"
    STEP_FUNCTIONS = "stepfunctions"
    DYNAMODB = "dynamodb"
    LOGS = "logs"


class Endpoints(TypedDict):
    graphql: str | None
    realtime: str | None
    aws: str | None
    console: str


class ConsoleConfigJson(TypedDict):
    """`GET /console/config.json`; console/src/config.ts declares the same shape."""

    apiName: str
    version: str
    region: str
    endpoints: Endpoints
    authProviders: list[dict[str, Any]]
    sections: list[str]
    consoleToken: str | None


@functools.cache
def server_version() -> str:
    """The installed package's version (importlib.metadata reads every distribution's metadata
    on the path to find it: tens of milliseconds, once, when first asked; importing it costs as
    much again)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("appsync-local")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def wants_console(scope: Scope) -> bool:
    """A browser navigating (its `Accept` names HTML), not an API client."""
    for name, value in scope["headers"]:
        if name == b"accept":
            return b"text/html" in value
    return False


def endpoints(scheme: str, host: str, graphql: bool) -> Endpoints:
    """The server's endpoints as a client reaching `host` over `scheme` names them."""
    origin = f"{scheme}://{host}"
    socket_scheme = "wss" if scheme == "https" else "ws"
    return {
        "graphql": f"{origin}/graphql" if graphql else None,
        "realtime": f"{socket_scheme}://{host}/graphql/realtime" if graphql else None,
        # The AWS JSON APIs (Step Functions, DynamoDB, ...) answer on the server's own port.
        "aws": origin,
        "console": CONSOLE_API_PATH,
    }


def request_origin(request: HTTPConnection) -> tuple[str, str]:
    """The HTTP scheme and the Host a request or websocket was sent with."""
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return _HTTP_SCHEMES.get(request.url.scheme, request.url.scheme), host


def _provider(api: ApiDefinition, spec: AuthProviderSpec, region: str) -> dict[str, Any]:
    """One auth provider as the explorer's picker needs it: settings, never secrets."""
    mode = spec.authentication_type
    if mode is AuthenticationType.API_KEY:
        keys = [
            {"id": key.id, "description": key.description, "expires": key.expires}
            for key in api.api_keys
        ]
        return {"authenticationType": mode.value, "apiKeys": keys}
    if mode is AuthenticationType.AWS_IAM:
        iam = spec.iam_config
        credentials = [
            {"accessKeyId": credential.access_key_id, "userArn": credential.user_arn}
            for credential in (iam.credentials if iam else ())
        ]
        return {
            "authenticationType": mode.value,
            "region": (iam.region if iam else None) or region,
            "credentials": credentials,
        }
    if mode is AuthenticationType.AMAZON_COGNITO_USER_POOLS:
        pool = spec.user_pool_config
        return {
            "authenticationType": mode.value,
            "userPoolId": pool.user_pool_id if pool else None,
            "awsRegion": pool.aws_region if pool else region,
            "appIdClientRegex": pool.app_id_client_regex if pool else None,
            "clientIds": [],
        }
    if mode is AuthenticationType.OPENID_CONNECT:
        oidc = spec.open_id_connect_config
        return {
            "authenticationType": mode.value,
            "issuer": oidc.issuer if oidc else None,
            "clientId": oidc.client_id if oidc else None,
        }
    authorizer = spec.lambda_authorizer_config
    return {
        "authenticationType": mode.value,
        "identityValidationExpression": (
            authorizer.identity_validation_expression if authorizer else None
        ),
    }


class ConsoleConfig:
    """`/console/config.json`: fixed parts built once, endpoints from each request's origin.

    `on_open` runs on each load of the config by a page on this machine, the one the token is
    handed to, that is, each time a console page opens there (the resolver log starts recording
    then)."""

    def __init__(
        self,
        name: str,
        region: str,
        sections: Sequence[Section],
        token: ConsoleToken,
        providers: Sequence[dict[str, Any]] = (),
        on_open: Callable[[], None] | None = None,
    ) -> None:
        self._name = name
        self._region = region
        self._sections = [section.value for section in sections]
        self._token = token
        self._providers = list(providers)
        self._on_open = on_open

    @classmethod
    def for_api(
        cls, api: ApiDefinition, token: ConsoleToken, on_open: Callable[[], None] | None = None
    ) -> ConsoleConfig:
        region = api.server.step_functions.region
        providers = [
            _provider(api, spec, region)
            for spec in (api.authentication, *api.additional_authentication_providers)
        ]
        return cls(api.name, region, list(Section), token, providers, on_open)

    def render(self, scheme: str, host: str, with_token: bool = False) -> ConsoleConfigJson:
        return {
            "apiName": self._name,
            "version": server_version(),
            "region": self._region,
            "endpoints": endpoints(scheme, host, Section.EXPLORER.value in self._sections),
            "authProviders": self._providers,
            "sections": self._sections,
            "consoleToken": self._token.value if with_token else None,
        }

    async def endpoint(self, request: Request) -> Response:
        with_token = from_this_machine(request.scope)
        # Only a page that gets the token counts as a console opening: an anonymous request
        # turns nothing on (a page from elsewhere arms the log by calling the console API with
        # the token its user types).
        if with_token and self._on_open is not None:
            self._on_open()
        scheme, host = request_origin(request)
        config = self.render(scheme, host, with_token)
        return JSONResponse(config, headers={"cache-control": _REVALIDATE})


class ConsoleAssets(StaticFiles):
    """The shipped build; hashed assets are immutable, pages revalidate."""

    def file_response(
        self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        immutable = "/assets/" in str(scope["path"])
        response.headers["cache-control"] = _IMMUTABLE if immutable else _REVALIDATE
        return response


def redirect_to_console() -> Response:
    return RedirectResponse(CONSOLE_PATH, status_code=307)


class BuiltOnFirstUse:
    """ASGI: the console's API, built when first asked for. It is a Strawberry schema:
    importing Strawberry and building it cost `serve` a sixth of its time to the first answer,
    and `appsync-local stepfunctions` a third (issue 19), for a console that may never open."""

    __slots__ = ("_app", "_build")

    def __init__(self, build: Callable[[], ASGIApp]) -> None:
        self._build = build
        self._app: ASGIApp | None = None

    @property
    def is_built(self) -> bool:
        return self._app is not None

    def build(self) -> ASGIApp:
        """The API, built now if it is not yet."""
        if self._app is None:
            self._app = self._build()
        return self._app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.build()(scope, receive, send)


def console_routes(
    config: ConsoleConfig, api: ASGIApp, summary: dict[str, Any] | None = None
) -> list[BaseRoute]:
    """`/` (the console for browsers, `summary` for other clients), `/console/...`, and the
    console's own API `api` at `/console/graphql` (HTTP and websocket)."""
    shown = summary or {"console": CONSOLE_PATH}

    async def index(request: Request) -> Response:
        if wants_console(request.scope):
            return redirect_to_console()
        return JSONResponse(shown)

    async def console_root(request: Request) -> Response:
        return redirect_to_console()

    routes: list[BaseRoute] = [
        Route("/", index, methods=["GET"]),
        Route("/console/config.json", config.endpoint, methods=["GET"]),
        Route("/console", console_root, methods=["GET"]),
        # Before the assets' mount, which would otherwise take the path.
        Route(CONSOLE_API_PATH, api),
        WebSocketRoute(CONSOLE_API_PATH, api),
    ]
    if STATIC_DIR.is_dir():
        routes.append(Mount("/console", app=ConsoleAssets(directory=STATIC_DIR, html=True)))
    else:
        logger.warning("the console's build is missing (%s): run scripts/build-console", STATIC_DIR)
    return routes
