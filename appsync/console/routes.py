"""The console's routes: its pages and assets under `/console/`, and `/console/config.json`.

`GET /` sends a browser (an `Accept` naming `text/html`) to the console and answers other
clients with the API's name and GraphQL path as before; `GET /graphql` without a query does the
same for a browser, while API clients keep AppSync's 400 (`AppSyncApp` asks `wants_console`).
Assets are Vite's content-hashed files, cached for a year; the pages and the config are
revalidated on each load. The console's own GraphQL API comes later at `/console/graphql`.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypedDict

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from appsync.graphql_http import json_response
from definition.authorization import AuthenticationType, AuthProviderSpec
from definition.model import ApiDefinition

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONSOLE_PATH = "/console/"
CONSOLE_API_PATH = "/console/graphql"

_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"


class Endpoints(TypedDict):
    graphql: str
    realtime: str
    aws: str | None
    console: str


class ConsoleConfigJson(TypedDict):
    """`GET /console/config.json`; console/src/config.ts declares the same shape."""

    apiName: str
    version: str
    region: str
    endpoints: Endpoints
    authProviders: list[dict[str, Any]]


def server_version() -> str:
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
    """`/console/config.json`: fixed parts built once, endpoints from each request's origin."""

    def __init__(self, api: ApiDefinition) -> None:
        region = api.server.step_functions.region
        self._name = api.name
        self._region = region
        self._version = server_version()
        self._providers = [
            _provider(api, spec, region)
            for spec in (api.authentication, *api.additional_authentication_providers)
        ]

    def render(self, scheme: str, host: str) -> ConsoleConfigJson:
        origin = f"{scheme}://{host}"
        socket_scheme = "wss" if scheme == "https" else "ws"
        return {
            "apiName": self._name,
            "version": self._version,
            "region": self._region,
            "endpoints": {
                "graphql": f"{origin}/graphql",
                "realtime": f"{socket_scheme}://{host}/graphql/realtime",
                # The AWS JSON APIs (Step Functions today) answer on the server's own port.
                "aws": origin,
                "console": CONSOLE_API_PATH,
            },
            "authProviders": self._providers,
        }

    async def endpoint(self, request: Request) -> Response:
        host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        return json_response(
            200, self.render(request.url.scheme, host), {"cache-control": _REVALIDATE}
        )


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


def console_routes(api: ApiDefinition) -> list[BaseRoute]:
    """`/` (console for browsers, the API's JSON summary for others) and `/console/...`."""
    summary = {"name": api.name, "graphql": "/graphql", "console": CONSOLE_PATH}

    async def index(request: Request) -> Response:
        if wants_console(request.scope):
            return redirect_to_console()
        return json_response(200, summary, {})

    async def console_root(request: Request) -> Response:
        return redirect_to_console()

    routes: list[BaseRoute] = [
        Route("/", index, methods=["GET"]),
        Route("/console/config.json", ConsoleConfig(api).endpoint, methods=["GET"]),
        Route("/console", console_root, methods=["GET"]),
    ]
    if STATIC_DIR.is_dir():
        routes.append(Mount("/console", app=ConsoleAssets(directory=STATIC_DIR, html=True)))
    else:
        logger.warning("the console's build is missing (%s): run scripts/build-console", STATIC_DIR)
    return routes
