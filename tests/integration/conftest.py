"""The real server on a loopback port, for tests that talk to it with real clients.

`serve(config_path, clock=None)` builds the app from an API definition (with the server's clock
injected when given) and runs uvicorn in a background
thread on a free port of 127.0.0.1; leaving the block stops it. Test APIs live in `apis/`.
`write_whoami_api` writes an API of `apis/auth_whoami` under given authentication settings;
`moto_endpoint` runs moto's own server on loopback (not the server's AWS endpoint) for boto3
clients (`moto_client`); `stopped_cleanly` runs a command (`python -m appsync ...`) that must
shut down cleanly when signalled, `announcement` reads what `appsync-local serve` prints once it
listens; `request_error` and `unauthorized_field_error` are AppSync's refusal of a whole request
and of one field.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import boto3
import httpx
import pytest
import uvicorn
from botocore.config import Config
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.httpx import HTTPXAsyncTransport
from moto.server import ThreadedMotoServer
from starlette.applications import Starlette

from appsync.app import build_app
from appsync.data_directory import DataDirectory
from appsync.realtime.endpoint import UVICORN_OPTIONS
from auth.clock import Clock
from definition.appsync_yaml.api import read_appsync_yaml
from tests.conftest import REPO_ROOT

APIS = Path(__file__).parent / "apis"
BLOG_CONFIG = REPO_ROOT / "examples" / "blog" / "appsync.yaml"
BLOG_KEY = "da2-localblogexamplekey00000"
WHOAMI = APIS / "auth_whoami"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here starts a server: mark it, and bound it in time."""
    for item in items:
        if Path(item.path).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.timeout(60))


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    app: Starlette

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/graphql"


@contextmanager
def running(
    app: Starlette, name: str, listener: socket.socket | None = None
) -> Iterator[tuple[str, int]]:
    """Run `app` under uvicorn, with `appsync-local serve`'s protocols, on a free loopback port
    (or on `listener`, bound already) in a daemon thread; yields (host, port) once it listens
    and stops it afterwards."""
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
            **UVICORN_OPTIONS,
        )
    )
    sockets = None if listener is None else [listener]
    thread = threading.Thread(target=server.run, args=(sockets,), name=name, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the test server did not start")
            thread.join(0.01)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        yield host, port
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def serve(
    config_path: Path,
    clock: Clock | None = None,
    data: DataDirectory | None = None,
    allowed_hosts: tuple[str, ...] = (),
) -> Iterator[Server]:
    """The server for `config_path`; its data directory is memory only unless `data` names one."""
    app = build_app(
        read_appsync_yaml(config_path), clock=clock, data=data, allowed_hosts=allowed_hosts
    )
    with running(app, "appsync-local-test-server") as (host, port):
        yield Server(host, port, app)


def api_key_client(server: Server, key: str) -> Client:
    """A gql client of `server` over HTTP, authorised with the API key `key`."""
    auth = AppSyncApiKeyAuthentication(host=f"{server.host}:{server.port}", api_key=key)
    return Client(transport=HTTPXAsyncTransport(url=server.url, headers=auth.get_headers()))


async def execute(server: Server, key: str, document: str, **variables: Any) -> dict[str, Any]:
    """`document` through gql with `variables`; its data (gql raises on errors)."""
    async with api_key_client(server, key) as session:
        result: dict[str, Any] = await session.execute(
            GraphQLRequest(gql(document), variable_values=variables or None)
        )
    return result


async def subscribed(server: Server, topic: str) -> None:
    """gql does not wait for `start_ack` before a test goes on: wait until the broker has a
    subscriber on `topic`."""
    broker = server.app.state.api.realtime.broker
    for _ in range(1000):
        if broker.subscriber_count(topic) >= 1:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no subscriber on {topic}")


@pytest.fixture(scope="module")
def blog() -> Iterator[Server]:
    with serve(BLOG_CONFIG) as server:
        yield server


def write_whoami_api(
    folder: Path, name: str, auth: Mapping[str, Any], fields: Sequence[str] = ("whoami",)
) -> Path:
    """`appsync.json` in `folder`: the whoami schema with `auth`'s authentication settings, and
    each of `fields` on Query resolved by `auth_whoami.py` on a NONE data source."""
    config = {
        "name": name,
        "schema": str(WHOAMI / "schema.graphql"),
        **auth,
        "dataSources": [{"name": "Local", "type": "NONE"}],
        "resolvers": [
            {
                "typeName": "Query",
                "fieldName": field,
                "dataSourceName": "Local",
                "code": str(WHOAMI / "auth_whoami.py"),
            }
            for field in fields
        ],
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def write_realtime_auth_api(
    folder: Path, name: str, api_key: str, iam_credential: Mapping[str, str], issuer: str
) -> Path:
    """`appsync.json` in `folder`: the `apis/auth_realtime` API (subscription fields for IAM and
    OIDC only, `addItem` for the API key) with these credentials; the OIDC issuer's keys are
    read from `jwks.json` in `folder`, which the caller writes."""
    folder_of_api = APIS / "auth_realtime"
    config = {
        "name": name,
        "schema": str(folder_of_api / "schema.graphql"),
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": api_key}],
        "additionalAuthenticationProviders": [
            {"authenticationType": "AWS_IAM", "iamConfig": {"credentials": [iam_credential]}},
            {
                "authenticationType": "OPENID_CONNECT",
                "openIDConnectConfig": {"issuer": issuer, "jwksFile": "jwks.json"},
            },
        ],
        "dataSources": [{"name": "Local", "type": "NONE"}],
        "resolvers": [
            {
                "typeName": "Mutation",
                "fieldName": "addItem",
                "dataSourceName": "Local",
                "code": str(folder_of_api / "auth_realtime_code.py"),
            }
        ],
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@contextmanager
def moto_endpoint() -> Iterator[str]:
    """moto's server on a free loopback port; yields its URL and stops it afterwards."""
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        moto.stop()


def moto_client(
    service: Literal["cognito-idp", "iam", "sts"],
    endpoint: str,
    region: str,
    access_key_id: str = "testing",
    secret_access_key: str = "testing",
) -> Any:
    """A boto3 client of `service` talking to the moto server at `endpoint`."""
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
    )


def endpoint_client(service: Literal["appsync", "stepfunctions"], host: str, port: int) -> Any:
    """A boto3 client of `service` on the server's AWS endpoint, with its default keys (and no
    host prefix, which StartSyncExecution would add to the local address)."""
    return boto3.client(
        service,
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(inject_host_prefix=False),
    )


def announcement(process: subprocess.Popen[str]) -> str:
    """What `serve` prints on stdout up to and including its "Press Ctrl+C" line."""
    assert process.stdout is not None
    announced = []
    for line in process.stdout:
        announced.append(line)
        if line.startswith("Press Ctrl+C"):
            break
    return "".join(announced)


def request_error(response: httpx.Response) -> tuple[int, str, str, str]:
    """A refused request: its HTTP status, `x-amzn-ErrorType` header, and its one error's
    errorType and message."""
    [error] = response.json()["errors"]
    return (
        response.status_code,
        response.headers["x-amzn-errortype"],
        error["errorType"],
        error["message"],
    )


def unauthorized_field_error(field: str) -> dict[str, Any]:
    """The field error of a Query field the caller may not read, asked alone (line 1, column 3)."""
    return {
        "path": [field],
        "data": None,
        "errorType": "Unauthorized",
        "errorInfo": None,
        "locations": [{"line": 1, "column": 3, "sourceName": None}],
        "message": f"Not Authorized to access {field} on type Query",
    }


@contextmanager
def stopped_cleanly(
    command: Sequence[str],
    env: Mapping[str, str] | None = None,
    *,
    stop: signal.Signals = signal.SIGTERM,
) -> Iterator[subprocess.Popen[str]]:
    """`command` in a child process whose stdout the block reads as text. When the block ends
    without an error the process gets `stop` and must exit 0 (a clean shutdown), or the
    assertion shows the end of its log; otherwise, or if it is still running then, it is
    killed."""
    with (
        tempfile.TemporaryFile("w+") as log,
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log, text=True, env=env
        ) as process,
    ):
        try:
            yield process
            process.send_signal(stop)
            code = process.wait(timeout=15)
            log.seek(0)
            assert code == 0, log.read()[-4000:]
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
