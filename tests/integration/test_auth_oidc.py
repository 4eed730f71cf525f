"""OPENID_CONNECT through the real server, against an issuer on loopback.

The issuer serves `/.well-known/openid-configuration` and its JWKS over HTTP, as a real OIDC
provider does; the API has no `jwksFile`, so it discovers the keys (AppSync
`OpenIDConnectConfig`: `issuer`, `clientId` as a regular expression, `iatTTL` in milliseconds).
The server's clock is injected, so key rotation's refetch window and token lifetimes are moved
by the test, not waited for. Refusals are 401 `UnauthorizedException`: "Token has expired." for
a token past its lifetime, "Valid authorization header not provided." for one the API cannot
verify (amplify-js#4373).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from auth.clock import ManualClock
from tests.fixtures import keys
from tests.integration.conftest import Server, serve, write_whoami_api

INVALID = "Valid authorization header not provided."
EXPIRED = "Token has expired."


@dataclass
class Issuer:
    """The issuer's published keys, and how often they were fetched."""

    url: str = ""
    published: list[tuple[str, str]] = field(default_factory=list)
    jwks_fetches: int = 0


def _handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/.well-known/openid-configuration":
                body: dict[str, Any] = {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks"}
            elif self.path == "/jwks":
                issuer.jwks_fetches += 1
                body = keys.jwks(*issuer.published)
            else:
                self.send_error(404)
                return
            content = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test output is the assertions'."""

    return Handler


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    state = Issuer(published=[("oidc-issuer-a", "key-a")])
    http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{http.server_address[1]}"
    thread = threading.Thread(target=http.serve_forever, name="oidc-issuer", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        http.shutdown()
        http.server_close()
        thread.join(10)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(time.time())


@pytest.fixture
def server(tmp_path: Path, issuer: Issuer, clock: ManualClock) -> Iterator[Server]:
    auth = {
        "authenticationType": "OPENID_CONNECT",
        "openIDConnectConfig": {"issuer": issuer.url, "clientId": "^web-.*", "iatTTL": 600_000},
    }
    path = write_whoami_api(tmp_path, "auth-oidc", auth)
    with serve(path, clock) as running:
        yield running


def token(issuer: Issuer, clock: ManualClock, key: str = "a", **changes: Any) -> str:
    now = int(clock.time())
    claims = {"iss": issuer.url, "sub": "user-7", "aud": "web-app", "iat": now, "exp": now + 300}
    return keys.rs256_token({**claims, **changes}, f"oidc-issuer-{key}", f"key-{key}")


def call(server: Server, authorization: str) -> httpx.Response:
    return httpx.post(
        server.url,
        json={"query": "{ whoami { authType identity } }"},
        headers={"authorization": authorization},
        timeout=10,
    )


def refusal(response: httpx.Response) -> tuple[int, str]:
    [error] = response.json()["errors"]
    assert error["errorType"] == "UnauthorizedException"
    return response.status_code, error["message"]


def test_keys_are_discovered_from_the_issuer_once(
    server: Server, issuer: Issuer, clock: ManualClock
) -> None:
    first = call(server, token(issuer, clock))
    who = first.json()["data"]["whoami"]
    assert who["authType"] == "Open ID Connect Authorization"
    identity = json.loads(who["identity"])
    assert (identity["sub"], identity["issuer"], identity["claims"]["aud"]) == (
        "user-7",
        issuer.url,
        "web-app",
    )
    assert call(server, token(issuer, clock)).status_code == 200
    assert issuer.jwks_fetches == 1


def test_a_rotated_key_is_fetched_once_the_refetch_window_has_passed(
    server: Server, issuer: Issuer, clock: ManualClock
) -> None:
    assert call(server, token(issuer, clock)).status_code == 200
    issuer.published = [("oidc-issuer-a", "key-a"), ("oidc-issuer-b", "key-b")]
    # An unknown kid refetches at most once a minute: right after a fetch it is refused.
    assert refusal(call(server, token(issuer, clock, key="b"))) == (401, INVALID)
    assert issuer.jwks_fetches == 1
    clock.advance(61)
    assert call(server, token(issuer, clock, key="b")).status_code == 200
    assert issuer.jwks_fetches == 2


def test_an_expired_token_is_refused(server: Server, issuer: Issuer, clock: ManualClock) -> None:
    issued = token(issuer, clock)
    clock.advance(301)
    assert refusal(call(server, issued)) == (401, EXPIRED)


def test_a_token_issued_longer_ago_than_iat_ttl_is_refused(
    server: Server, issuer: Issuer, clock: ManualClock
) -> None:
    old = int(clock.time()) - 601
    long_lived = token(issuer, clock, iat=old, exp=old + 86_400)
    assert refusal(call(server, long_lived)) == (401, EXPIRED)


def test_a_token_for_another_client_is_refused(
    server: Server, issuer: Issuer, clock: ManualClock
) -> None:
    assert refusal(call(server, token(issuer, clock, aud="mobile-app"))) == (401, INVALID)


def test_forged_tokens_are_refused(server: Server, issuer: Issuer, clock: ManualClock) -> None:
    now = int(clock.time())
    claims = {"iss": issuer.url, "sub": "user-7", "aud": "web-app", "iat": now, "exp": now + 300}
    forged = {
        "alg none": keys.unsigned_token(claims, "key-a"),
        "HS256 keyed with the public key": keys.hs256_with_public_key(
            claims, "oidc-issuer-a", "key-a"
        ),
        "tampered payload": keys.tampered(token(issuer, clock), sub="admin"),
        "another issuer's iss": token(issuer, clock, iss="https://elsewhere.example.com"),
        "signed by an unpublished key": token(issuer, clock, key="c"),
    }
    for name, value in forged.items():
        assert refusal(call(server, value)) == (401, INVALID), name
