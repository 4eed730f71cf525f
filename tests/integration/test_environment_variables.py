"""An API's environment variables (`environmentVariables`) reach its resolvers, through the real
server and real clients (gql over HTTP and AppSync's realtime websocket).

AWS, "Using environment variables in AWS AppSync"
(https://docs.aws.amazon.com/appsync/latest/devguide/environment-variables.html): "Both
JavaScript resolvers/functions and VTL templates support environment variables", read as
`ctx.env` and `$ctx.env`; "Environment variables only support string values" and "Any defined
value in an environment variable is considered a string literal and not expanded". The PYTHON
runtime mirrors APPSYNC_JS's `ctx`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport

from tests.integration.conftest import APIS, Server, execute, serve, subscribed

KEY = "da2-environmentvariables0000"
PUBLISH = "mutation P($s: String!, $t: String!) { publish(stage: $s, text: $t) { stage text } }"

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def api() -> Iterator[Server]:
    with serve(APIS / "environment" / "appsync.yaml") as server:
        yield server


async def _field(server: Server, name: str) -> Any:
    result = await execute(server, KEY, f"{{ {name} }}")
    return json.loads(result[name])


async def test_vtl_reads_ctx_env_as_strings(api: Server) -> None:
    # MAX_ITEMS is written 25 in the YAML: a string all the same; an unset name is null.
    assert await _field(api, "vtl") == {
        "stage": "dev",
        "table": "Posts-dev",
        "max": "25",
        "missing": None,
    }


async def test_appsync_js_reads_ctx_env(api: Server) -> None:
    assert await _field(api, "js") == {
        "stage": "dev",
        "table": "Posts-dev",
        "keys": ["MAX_ITEMS", "STAGE", "TABLE_NAME"],
    }


async def test_python_reads_ctx_env(api: Server) -> None:
    assert await _field(api, "python") == {"stage": "dev", "max": "25", "missing": None}


async def test_a_pipeline_and_its_functions_read_ctx_env(api: Server) -> None:
    assert await _field(api, "pipeline") == {
        "trail": ["before:dev", "js:25", "vtl:dev", "after:Posts-dev"]
    }


async def test_a_write_to_ctx_env_does_not_reach_the_next_request(api: Server) -> None:
    assert await _field(api, "written") == {"before": "dev"}
    assert await _field(api, "written") == {"before": "dev"}
    assert (await _field(api, "js"))["stage"] == "dev"


async def test_a_subscription_resolver_reads_ctx_env(api: Server) -> None:
    """The subscription's filter is `stage eq ctx.env.STAGE`: only the dev message arrives."""
    auth = AppSyncApiKeyAuthentication(host=f"{api.host}:{api.port}", api_key=KEY)
    transport = AppSyncWebsocketsTransport(url=api.url.replace("http", "ws"), auth=auth)
    async with Client(transport=transport) as realtime:
        request = GraphQLRequest(gql("subscription { onPublish { stage text } }"))

        async def first() -> dict[str, Any]:
            async for event in realtime.subscribe(request):
                return dict(event)
            raise AssertionError("the subscription ended without an event")

        async with asyncio.TaskGroup() as group:
            listener = group.create_task(first())
            await subscribed(api, "mutation:publish")
            for stage, text in (("prod", "not for dev"), ("dev", "for dev")):
                await execute(api, KEY, PUBLISH, s=stage, t=text)
            event = await asyncio.wait_for(listener, timeout=10)
    assert event == {"onPublish": {"stage": "dev", "text": "for dev"}}
