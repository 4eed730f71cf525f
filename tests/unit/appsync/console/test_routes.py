"""The console's routes on the whole app (`build_app`): where a browser lands, what API clients
keep getting, what `/console/config.json` tells the page, and how assets are cached."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from appsync.app import build_app
from appsync.console.routes import STATIC_DIR, server_version
from definition.appsync_yaml.api import read_appsync_yaml

SCHEMA = """
type Query { a: String @aws_api_key @aws_iam @aws_oidc @aws_lambda @aws_cognito_user_pools }
"""
API = {
    "name": "console-test",
    "schema": "schema.graphql",
    "authenticationType": "API_KEY",
    "apiKeys": [{"id": "da2-consolerouteskey0000000", "description": "for the console"}],
    "additionalAuthenticationProviders": [
        {
            "authenticationType": "AWS_IAM",
            "iamConfig": {
                "region": "eu-west-1",
                "credentials": [
                    {
                        "accessKeyId": "AKIACONSOLEROUTES001",
                        "secretAccessKey": "never-sent-to-the-page",
                        "accountId": "123456789012",
                        "userArn": "arn:aws:iam::123456789012:user/ada",
                    }
                ],
            },
        },
        {
            "authenticationType": "AMAZON_COGNITO_USER_POOLS",
            "userPoolConfig": {
                "userPoolId": "us-east-1_Console01",
                "awsRegion": "us-east-1",
                "appIdClientRegex": ".*",
                "jwksFile": "jwks.json",
            },
        },
        {
            "authenticationType": "OPENID_CONNECT",
            "openIDConnectConfig": {
                "issuer": "https://issuer.example.com",
                "clientId": "web",
                "jwksFile": "jwks.json",
            },
        },
        {
            "authenticationType": "AWS_LAMBDA",
            "lambdaAuthorizerConfig": {
                "handler": "authorizer:handler",
                "identityValidationExpression": "^tok-",
            },
        },
    ],
    "dataSources": [{"name": "Local", "type": "NONE"}],
}
AUTHORIZER = "def handler(event, context):\n    return {'isAuthorized': True}\n"


def _app(tmp_path: Path, allowed_hosts: tuple[str, ...] = ()) -> Any:
    (tmp_path / "schema.graphql").write_text(SCHEMA)
    (tmp_path / "jwks.json").write_text('{"keys": []}')
    (tmp_path / "authorizer.py").write_text(AUTHORIZER)
    path = tmp_path / "appsync.json"
    path.write_text(json.dumps(API))
    return build_app(read_appsync_yaml(path), allowed_hosts=allowed_hosts)


async def _get(
    app: Any,
    path: str,
    accept: str | None = None,
    *,
    client: tuple[str, int] = ("127.0.0.1", 50000),
    origin: str = "http://127.0.0.1:20002",
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=client)
    headers = {"accept": accept} if accept else {}
    async with httpx.AsyncClient(transport=transport, base_url=origin) as http:
        return await http.get(path, headers=headers)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.anyio
async def test_a_browser_opening_the_server_lands_on_the_console(tmp_path: Path) -> None:
    app = _app(tmp_path)
    for path in ("/", "/graphql", "/console"):
        response = await _get(app, path, BROWSER)
        assert (response.status_code, response.headers["location"]) == (307, "/console/")


@pytest.mark.anyio
async def test_api_clients_keep_their_answers(tmp_path: Path) -> None:
    app = _app(tmp_path)
    root = await _get(app, "/")
    assert root.json() == {"name": "console-test", "graphql": "/graphql", "console": "/console/"}
    # AppSync's answer to a GET without a query, for anything but a browser's page load.
    for accept in (None, "application/json", "*/*"):
        graphql = await _get(app, "/graphql", accept)
        assert graphql.status_code == 400
        assert graphql.json()["errors"][0]["message"] == "Unable to parse GraphQL query."
    # A browser's GET with a query is a GraphQL request like any other.
    answered = await _get(app, "/graphql?query=%7B%20a%20%7D", BROWSER)
    assert answered.status_code == 401
    assert answered.json()["errors"][0]["errorType"] == "UnauthorizedException"


@pytest.mark.anyio
async def test_config_json_lists_every_mode_without_secrets(tmp_path: Path) -> None:
    response = await _get(_app(tmp_path), "/console/config.json")
    assert response.headers["cache-control"] == "no-cache"
    assert response.json() == {
        "apiName": "console-test",
        "version": server_version(),
        "region": "us-east-1",
        "endpoints": {
            "graphql": "http://127.0.0.1:20002/graphql",
            "realtime": "ws://127.0.0.1:20002/graphql/realtime",
            "aws": "http://127.0.0.1:20002",
            "console": "/console/graphql",
        },
        "authProviders": [
            {
                "authenticationType": "API_KEY",
                "apiKeys": [
                    {
                        "id": "da2-consolerouteskey0000000",
                        "description": "for the console",
                        "expires": None,
                    }
                ],
            },
            {
                "authenticationType": "AWS_IAM",
                "region": "eu-west-1",
                "credentials": [
                    {
                        "accessKeyId": "AKIACONSOLEROUTES001",
                        "userArn": "arn:aws:iam::123456789012:user/ada",
                    }
                ],
            },
            {
                "authenticationType": "AMAZON_COGNITO_USER_POOLS",
                "userPoolId": "us-east-1_Console01",
                "awsRegion": "us-east-1",
                "appIdClientRegex": ".*",
                "clientIds": [],
            },
            {
                "authenticationType": "OPENID_CONNECT",
                "issuer": "https://issuer.example.com",
                "clientId": "web",
            },
            {"authenticationType": "AWS_LAMBDA", "identityValidationExpression": "^tok-"},
        ],
        "sections": ["explorer", "stepfunctions", "dynamodb", "logs"],
        # The page was loaded on this machine, under a loopback name: it gets the token.
        "consoleToken": response.json()["consoleToken"],
    }
    assert "never-sent-to-the-page" not in response.text


@pytest.mark.anyio
async def test_config_json_gives_the_console_token_only_to_this_machine(tmp_path: Path) -> None:
    app = _app(tmp_path, allowed_hosts=("console.example.test",))
    token = app.state.console.token.value
    assert (await _get(app, "/console/config.json")).json()["consoleToken"] == token
    localhost = await _get(app, "/console/config.json", origin="http://localhost:20002")
    assert localhost.json()["consoleToken"] == token
    # From another machine (`--host` beyond loopback), or under a name a proxy on this machine
    # would forward others' requests with, the page asks for the token the banner shows.
    remote = await _get(app, "/console/config.json", client=("192.0.2.7", 50000))
    assert remote.json()["consoleToken"] is None
    proxied = await _get(app, "/console/config.json", origin="http://console.example.test")
    assert proxied.status_code == 200
    assert proxied.json()["consoleToken"] is None


@pytest.mark.anyio
async def test_opening_the_console_starts_the_resolver_log(tmp_path: Path) -> None:
    app = _app(tmp_path)
    assert not app.state.console.resolver_log.armed
    # A request from elsewhere, which gets no token, turns nothing on.
    await _get(app, "/console/config.json", client=("192.0.2.7", 50000))
    assert not app.state.console.resolver_log.armed
    await _get(app, "/console/config.json")
    assert app.state.console.resolver_log.armed


@pytest.mark.anyio
async def test_hashed_assets_are_immutable_and_pages_revalidate(tmp_path: Path) -> None:
    app = _app(tmp_path)
    page = await _get(app, "/console/", BROWSER)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-cache"
    assets = re.findall(r'(?:src|href)="\./(assets/[^"]+)"', page.text)
    assert assets
    for asset in assets:
        response = await _get(app, f"/console/{asset}")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.content == (STATIC_DIR / asset).read_bytes()
    missing = await _get(app, "/console/assets/nothing-here.js")
    assert missing.status_code == 404
