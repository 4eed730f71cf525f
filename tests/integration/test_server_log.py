"""What `appsync-local serve` writes to its terminal (issue 12, items 12 and 13): no credential
in any line at any level, no access log unless asked for, and no traceback for a client's
error (bad JSON, validation errors, refused credentials, sockets that go away); why a token was
refused, at the default level (issue 13).

The server runs as a user runs it, in a process of its own, with its log captured.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import websockets
from websockets.typing import Subprotocol

from tests.fixtures import keys
from tests.integration.conftest import APIS
from tests.integration.server_process import ServerProcess, serve_process

FUZZ_CONFIG = APIS / "fuzz" / "appsync.yaml"
KEY = "da2-fuzztestkey000000000000000"
WRONG_KEY = "da2-wrongtestkey00000000000000"
# What a Cognito or OIDC client would send: a JWT (this one signed by nobody).
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLWJ5dGVz"


def _header(key: str) -> str:
    return base64.b64encode(json.dumps({"host": "local", "x-api-key": key}).encode()).decode()


async def _exercise(server: ServerProcess) -> None:
    """Requests carrying credentials every way clients send them, and client errors of every
    kind, each answered."""
    async with httpx.AsyncClient(timeout=30) as http:
        ok = await http.post(
            server.url, json={"query": '{ echo(text: "a") }'}, headers={"x-api-key": KEY}
        )
        assert ok.json() == {"data": {"echo": "a"}}
        refused = await http.post(
            server.url, json={"query": "{ echo }"}, headers={"x-api-key": WRONG_KEY}
        )
        assert refused.status_code == 401
        jwt = await http.post(
            server.url, json={"query": "{ echo }"}, headers={"authorization": JWT}
        )
        assert jwt.status_code == 401
        signed_get = await http.get(
            server.url,
            params={"query": "{ echo }", "X-Amz-Signature": "abc123", "X-Amz-Security-Token": JWT},
        )
        assert signed_get.status_code == 401
        bad_json = await http.post(server.url, content=b"{not json", headers={"x-api-key": KEY})
        assert bad_json.status_code == 400
        invalid = await http.post(
            server.url, json={"query": "{ nope }"}, headers={"x-api-key": KEY}
        )
        assert invalid.json()["errors"][0]["message"].startswith("Validation error")
        deep = await http.post(
            server.url, content=b"[" * 5000 + b"]" * 5000, headers={"x-api-key": KEY}
        )
        assert deep.status_code == 400
    # The legacy query-string handshake: the API key in `header`, base64.
    legacy = f"{server.realtime_url}?header={quote(_header(KEY))}&payload=e30="
    async with websockets.connect(legacy, subprotocols=[Subprotocol("graphql-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        assert json.loads(await ws.recv())["type"] == "ka"  # the first, right behind the ack
        await ws.send("[" * 100_000 + "]" * 100_000)
        assert json.loads(await ws.recv())["type"] == "error"
        await ws.send("not json")
        assert json.loads(await ws.recv())["type"] == "error"
    refused_url = f"{server.realtime_url}?header={quote(_header(WRONG_KEY))}&payload=e30="
    async with websockets.connect(refused_url, subprotocols=[Subprotocol("graphql-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_error"
    # Sockets that go away: a websocket dropped without a close frame right after a `start`, and
    # an HTTP request that stops half way through its body.
    async with websockets.connect(legacy, subprotocols=[Subprotocol("graphql-ws")]) as ws:
        data = json.dumps({"query": "subscription { onPutItem { id } }"})
        start = {
            "id": "1",
            "type": "start",
            "payload": {"data": data, "extensions": {"authorization": {"x-api-key": KEY}}},
        }
        await ws.send(json.dumps(start))
        ws.transport.abort()
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(b'POST /graphql HTTP/1.1\r\nHost: l\r\nContent-Length: 100\r\n\r\n{"q')
    await asyncio.sleep(0.5)  # the server notices both


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The log of a server at DEBUG with its access log on, after `_exercise`."""
    folder = tmp_path_factory.mktemp("logged")
    with serve_process(FUZZ_CONFIG, folder, ("--log-level", "debug", "--access-log")) as server:
        asyncio.run(_exercise(server))
        # Past the banner, which shows the user the API's keys on purpose.
        yield server.log().partition("Press Ctrl+C to stop.")[2]


@pytest.mark.parametrize(
    "secret",
    [KEY, WRONG_KEY, _header(KEY), quote(_header(KEY)), _header(WRONG_KEY), JWT, "abc123"],
    ids=["key", "wrong key", "header", "quoted header", "refused header", "jwt", "signature"],
)
def test_no_credential_reaches_the_log_at_any_level(logged: str, secret: str) -> None:
    assert secret not in logged


def test_the_access_log_shows_requests_with_their_credentials_redacted(logged: str) -> None:
    assert '"POST /graphql HTTP/1.1" 200' in logged
    assert "header=[redacted]&payload=[redacted]" in logged
    assert "X-Amz-Signature=[redacted]" in logged


def test_client_errors_leave_no_traceback(logged: str) -> None:
    assert "Traceback" not in logged
    assert " ERROR " not in logged


def test_the_access_log_is_off_by_default(tmp_path: pytest.TempPathFactory) -> None:
    with serve_process(FUZZ_CONFIG, tmp_path) as server:  # type: ignore[arg-type]
        asyncio.run(_exercise(server))
        log = server.log().partition("Press Ctrl+C to stop.")[2]
    assert KEY not in log
    assert "POST /graphql" not in log
    assert "WebSocket /graphql/realtime" not in log
    assert "Traceback" not in log


OIDC_ISSUER = "https://login.example.test"


def test_why_a_token_was_refused_is_in_the_log_at_the_default_level(tmp_path: Path) -> None:
    """A user whose token gets the 401 sees the reason in the server's terminal without raising
    the log level; the token itself never appears."""
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    (tmp_path / "jwks.json").write_text(json.dumps(keys.jwks(("log-oidc", "k1"))))
    provider = {"issuer": OIDC_ISSUER, "clientId": "web-.*", "jwksFile": "jwks.json"}
    definition = {
        "schema": "schema.graphql",
        "authenticationType": "OPENID_CONNECT",
        "openIDConnectConfig": provider,
    }
    config = tmp_path / "appsync.yaml"
    config.write_text(json.dumps(definition))
    now = int(time.time())  # the server checks times against its own clock
    claims = {"iss": OIDC_ISSUER, "sub": "u", "aud": "desktop", "iat": now, "exp": now + 300}
    wrong_client = keys.rs256_token(claims, "log-oidc", "k1")
    expired = keys.rs256_token({**claims, "aud": "web-1", "exp": now - 60}, "log-oidc", "k1")
    with serve_process(config, tmp_path, ()) as server:
        for token in (wrong_client, expired):
            response = httpx.post(
                server.url, json={"query": "{ a }"}, headers={"authorization": token}, timeout=10
            )
            assert response.status_code == 401
        log = server.log().partition("Press Ctrl+C to stop.")[2]
    assert (
        "INFO auth.oidc: token refused: clientId 'web-.*' matches none of aud and client_id "
        "['desktop'] (a regular expression matches the whole value)"
    ) in log
    assert "INFO auth.oidc: token refused as expired: exp " in log
    for token in (wrong_client, expired):
        for part in token.split("."):
            assert part not in log
