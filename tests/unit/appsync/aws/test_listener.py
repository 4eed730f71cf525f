"""The AWS endpoint on a listener of its own: `AwsOnlyApp` answers AWS calls and nothing else;
`extra_listener` binds its port first, so that a taken port fails the start at once."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.listener import AwsOnlyApp, extra_listener
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


def _app(fallback: ASGIApp | None = None) -> AwsOnlyApp:
    service = build_step_functions(StepFunctionsSettings(), "a.yaml").service
    endpoint = AwsEndpoint(
        SigV4Verifier((KEY,), SystemClock()), {"states": StepFunctionsRoute(service)}
    )
    return AwsOnlyApp(endpoint, HostPolicy(), fallback)


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


async def test_what_is_not_an_aws_call_goes_to_the_fallback() -> None:
    # `appsync-local stepfunctions` serves its console so.
    async def console(scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse(f"console {scope['path']}")(scope, receive, send)

    transport = httpx.ASGITransport(app=_app(console))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        listed = await client.post(
            "/", content=b"{}", headers=json_call_headers("http://localhost/", "states")
        )
        assert listed.json() == {"stateMachines": []}
        other = await client.get("/console/")
        assert (other.status_code, other.text) == (200, "console /console/")
        # The Host check still comes first.
        rebound = await client.get("/console/", headers={"host": "evil.example"})
        assert rebound.status_code == 403


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
