"""`appsync-local serve --tls` as aws-amplify v6 needs it: a self-signed certificate for
localhost, `https://` and `wss://` URLs announced, and gql's AppSync websockets transport over
`wss://` (with an SSL context trusting that certificate) receives a mutation's data
(reference/appsync.md 3.3 and 6.1: Amplify v6 always dials `wss://`)."""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport

from appsync.__main__ import main
from appsync.tls import self_signed_certificate
from tests.integration.conftest import announcement, stopped_cleanly
from tests.integration.test_realtime_server import API_KEY, CODE, DEFINITION, SDL


@dataclass(frozen=True, slots=True)
class Announced:
    graphql_url: str
    realtime_url: str
    certificate: Path


@contextmanager
def serve_tls(folder: Path, *extra: str, server_block: str = "") -> Iterator[Announced]:
    """`python -m appsync serve --tls` on a free port, its certificate cached under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schema.graphql").write_text(SDL)
    (folder / "appsync.yaml").write_text(DEFINITION + server_block)
    for name, text in CODE.items():
        (folder / name).write_text(text)
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(folder / "appsync.yaml")]
    environment = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
    command += ["--port", "0", "--ephemeral", *extra]
    with stopped_cleanly(command, environment) as process:
        text = announcement(process)
        graphql = re.search(r"GraphQL:  (https://127\.0\.0\.1:\d+/graphql)\n", text)
        realtime = re.search(r"Realtime: (wss://127\.0\.0\.1:\d+/graphql/realtime)\n", text)
        certificate = re.search(r"TLS certificate: (.+)\n", text)
        assert graphql is not None, text
        assert realtime is not None, text
        assert certificate is not None, text
        yield Announced(graphql.group(1), realtime.group(1), Path(certificate.group(1)))


@pytest.mark.anyio
async def test_gql_over_wss_receives_a_mutation_from_a_self_signed_server(tmp_path: Path) -> None:
    with serve_tls(tmp_path, "--tls") as server:
        # Generated into the cache folder ($XDG_CACHE_HOME here).
        assert server.certificate == tmp_path / "cache" / "appsync-local" / "tls" / "localhost.pem"
        trusting = ssl.create_default_context(cafile=str(server.certificate))
        host = server.graphql_url.removeprefix("https://").removesuffix("/graphql")
        auth = AppSyncApiKeyAuthentication(host=host, api_key=API_KEY)
        transport = AppSyncWebsocketsTransport(url=server.realtime_url, auth=auth, ssl=trusting)
        received: list[dict[str, Any]] = []
        async with (
            Client(transport=transport) as session,
            httpx.AsyncClient(verify=trusting, headers={"x-api-key": API_KEY}) as http,
        ):
            document = gql('subscription { onAddTodo(owner: "tls") { id owner } }')

            async def listen() -> None:
                async for result in session.subscribe(document):
                    received.append(result)
                    return

            listener = asyncio.ensure_future(listen())
            # gql does not wait for `start_ack` before going on: mutate until the data comes.
            for n in range(50):
                mutation = f'mutation {{ addTodo(id: "{n}", owner: "tls") {{ id owner }} }}'
                response = await http.post(server.graphql_url, json={"query": mutation})
                assert response.json() == {"data": {"addTodo": {"id": str(n), "owner": "tls"}}}
                done, _ = await asyncio.wait([listener], timeout=0.2)
                if done:
                    break
            await asyncio.wait_for(listener, 10)
    assert len(received) == 1
    assert received[0]["onAddTodo"]["owner"] == "tls"


@pytest.mark.anyio
async def test_a_client_that_does_not_trust_the_certificate_is_refused(tmp_path: Path) -> None:
    with serve_tls(tmp_path, "--tls") as server:
        async with httpx.AsyncClient(verify=ssl.create_default_context()) as http:
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await http.post(server.graphql_url, json={"query": "{ __typename }"})


@pytest.mark.anyio
async def test_cert_and_key_files_are_served(tmp_path: Path) -> None:
    files = self_signed_certificate(tmp_path / "mine")
    args = ("--cert", str(files.cert_file), "--key", str(files.key_file))
    with serve_tls(tmp_path / "api", *args) as server:
        trusting = ssl.create_default_context(cafile=str(files.cert_file))
        async with httpx.AsyncClient(verify=trusting, headers={"x-api-key": API_KEY}) as http:
            response = await http.post(server.graphql_url, json={"query": "{ __typename }"})
        assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.anyio
async def test_the_definitions_tls_block_turns_tls_on(tmp_path: Path) -> None:
    with serve_tls(tmp_path, server_block="server:\n  tls: {selfSigned: true}\n") as server:
        trusting = ssl.create_default_context(cafile=str(server.certificate))
        async with httpx.AsyncClient(verify=trusting, headers={"x-api-key": API_KEY}) as http:
            response = await http.post(server.graphql_url, json={"query": "{ __typename }"})
        assert response.json() == {"data": {"__typename": "Query"}}


def test_cert_without_key_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["serve", "--config", str(tmp_path / "appsync.yaml"), "--cert", "c.pem"]) == 2


def test_an_unusable_certificate_stops_the_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schema.graphql").write_text(SDL)
    (tmp_path / "appsync.yaml").write_text(DEFINITION)
    for name, text in CODE.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "cert.pem").write_text("not a certificate")
    (tmp_path / "key.pem").write_text("not a key")
    config = str(tmp_path / "appsync.yaml")
    args = ["--cert", str(tmp_path / "cert.pem"), "--key", str(tmp_path / "key.pem")]
    assert main(["serve", "--config", config, "--port", "0", *args]) == 1
    assert "cannot use" in capsys.readouterr().err
