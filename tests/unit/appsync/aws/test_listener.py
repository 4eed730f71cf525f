"""The AWS endpoint on a listener of its own: `AwsOnlyApp` answers AWS calls and nothing else;
`extra_listener` binds its port first, so that a taken port fails the start at once."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import httpx
import pytest

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.listener import AwsOnlyApp, extra_listener, tcp_listener
from appsync.aws.states import StepFunctionsRoute
from appsync.hosts import HostPolicy
from appsync.stepfunctions_embedded import build_step_functions
from auth.clock import SystemClock
from auth.signature import IamCredential, SigV4Verifier
from definition.model import StepFunctionsSettings
from resolvers.errors import LoopbackEndpointError
from tests.fixtures.aws_signing import json_call_headers

KEY = IamCredential("testing", "testing", "123456789012", "arn:aws:iam::123456789012:root")

pytestmark = pytest.mark.anyio


def _app() -> AwsOnlyApp:
    service = build_step_functions(StepFunctionsSettings(), "a.yaml").service
    endpoint = AwsEndpoint(
        SigV4Verifier((KEY,), SystemClock()), {"states": StepFunctionsRoute(service)}
    )
    return AwsOnlyApp(endpoint, HostPolicy())


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


async def test_only_aws_calls_are_answered() -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        listed = await client.post(
            "/", content=b"{}", headers=json_call_headers("http://localhost/", "states")
        )
        assert listed.json() == {"stateMachines": []}
        other = await client.post("/graphql", json={"query": "{ a }"})
        assert (other.status_code, other.json()) == (404, {"message": "Not Found"})


@pytest.mark.timeout(15)
async def test_a_taken_port_fails_at_once_with_the_reason(taken_port: int) -> None:
    with pytest.raises(LoopbackEndpointError) as raised:
        async with extra_listener(_app(), "127.0.0.1", taken_port):
            pass
    assert raised.value.message == (
        f"cannot serve the embedded DynamoDB on 127.0.0.1:{taken_port}: Address already in use"
    )


@pytest.mark.timeout(15)
async def test_the_listener_serves_until_left() -> None:
    async with extra_listener(_app(), "127.0.0.1", 0) as url:
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                url + "/", content=b"{}", headers=json_call_headers(url + "/", "states")
            )
        assert answer.json() == {"stateMachines": []}
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


async def test_answers_on_a_bound_listener_are_sent_without_delay() -> None:
    """asyncio sets TCP_NODELAY only on sockets whose `proto` says TCP; without it, an answer
    written in two parts waits for the client's delayed ACK (about 40 ms)."""
    listener = tcp_listener("127.0.0.1", 0)
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(connected, sock=listener)
    async with server:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        assert await asyncio.wait_for(accepted, 10) == 1
        writer.close()
    assert listener.proto == socket.IPPROTO_TCP
