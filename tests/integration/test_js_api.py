"""APPSYNC_JS resolvers through the real server, with gql and raw httpx: unit and pipeline
resolvers on NONE, the in-process Lambda data source and DynamoDB, a pipeline mixing JS and VTL
functions (AWS News Blog, "AWS AppSync GraphQL APIs supports JavaScript resolvers": "You can mix
functions written in JavaScript and VTL inside a pipeline resolver"), util.error and
util.appendError answers, runtime.earlyReturn, and handlers that run away: each answers
AppSync's error, and the server keeps answering other clients meanwhile and afterwards."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.conftest import APIS, Server, execute, serve

KEY = "da2-jsintegrationtestkey00000"

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def js_api() -> Iterator[Server]:
    with serve(APIS / "js" / "appsync.yaml") as server:
        yield server


async def _execute(server: Server, query: str, **variables: Any) -> dict[str, Any]:
    return await execute(server, KEY, query, **variables)


def _post(server: Server, query: str) -> dict[str, Any]:
    response = httpx.post(server.url, json={"query": query}, headers={"x-api-key": KEY}, timeout=30)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_a_unit_resolver_on_none(js_api: Server) -> None:
    result = await _execute(js_api, "query Echo($m: String!) { echo(message: $m) }", m="hi")
    assert result == {"echo": "hi (echo)"}


async def test_a_unit_resolver_on_the_lambda_data_source(js_api: Server) -> None:
    result = await _execute(js_api, '{ lambdaEcho(message: "to Lambda") }')
    assert json.loads(result["lambdaEcho"]) == {"message": "to Lambda"}


async def test_a_pipeline_of_javascript_lambda_and_vtl_functions(js_api: Server) -> None:
    """start 5: double (10), the Lambda adds 1 (11), VTL adds 10 (21), double (42); one stash."""
    result = await _execute(js_api, "{ steps(start: 5) }")
    assert json.loads(result["steps"]) == {
        "value": 42,
        "trail": ["before", "double", "lambda", "vtl", "double"],
    }


async def test_early_return_skips_the_data_source_and_the_response_handler(
    js_api: Server,
) -> None:
    assert await _execute(js_api, "{ cached(hit: true) }") == {"cached": "from the cache"}
    assert await _execute(js_api, "{ cached(hit: false) }") == {
        "cached": "from the data source, through the response handler"
    }


def test_util_error_fails_the_field_with_its_type_data_and_info(js_api: Server) -> None:
    body = _post(js_api, '{ failing(kind: "error") echo(message: "still") }')
    assert body["data"] == {"failing": None, "echo": "still (echo)"}
    [error] = body["errors"]
    assert error == {
        "path": ["failing"],
        "data": {"asked": "error"},
        "errorType": "NotFound",
        "errorInfo": {"hint": "try another"},
        "locations": [{"line": 1, "column": 3, "sourceName": None}],
        "message": "Nothing here",
    }


def test_util_append_error_keeps_the_value(js_api: Server) -> None:
    body = _post(js_api, '{ failing(kind: "append") }')
    assert body["data"] == {"failing": "answered"}
    [error] = body["errors"]
    assert (error["path"], error["errorType"], error["message"]) == (
        ["failing"],
        "Partial",
        "Partly done",
    )


def test_a_javascript_error_is_appsyncs_code_error(js_api: Server) -> None:
    body = _post(js_api, '{ failing(kind: "type") }')
    [error] = body["errors"]
    assert error["errorType"] == "Code"
    assert error["message"].startswith(f"{APIS / 'js' / 'failing.js'}:12:14: TypeError")
    assert "TypeError" in error["message"]


def test_a_put_with_a_condition_fails_the_second_time(js_api: Server) -> None:
    first = _post(js_api, 'mutation { putOnce(id: "i1", note: "first") { id note } }')
    assert first == {"data": {"putOnce": {"id": "i1", "note": "first"}}}
    second = _post(js_api, 'mutation { putOnce(id: "i1", note: "second") { id note } }')
    [error] = second["errors"]
    assert error["errorType"] == "DynamoDB:ConditionalCheckFailedException"
    assert error["message"].startswith("The conditional request failed")


async def test_a_runaway_loop_times_out_while_other_clients_are_answered(
    js_api: Server,
) -> None:
    """The loop runs off the event loop until the runtime's limit; meanwhile, and afterwards,
    other clients' queries are answered."""
    order: list[str] = []
    async with httpx.AsyncClient(headers={"x-api-key": KEY}, timeout=30) as http:

        async def run_away() -> dict[str, Any]:
            response = await http.post(js_api.url, json={"query": "{ spin }"})
            order.append("spin")
            body: dict[str, Any] = response.json()
            return body

        async def others() -> None:
            for round_ in range(5):
                response = await http.post(
                    js_api.url, json={"query": f'{{ echo(message: "{round_}") }}'}
                )
                assert response.json() == {"data": {"echo": f"{round_} (echo)"}}
                order.append(f"echo {round_}")

        spinning = asyncio.ensure_future(run_away())
        await asyncio.sleep(0.2)  # the loop has started
        await others()
        body = await spinning
    # Answered while the loop still ran: the first query at least (on a loaded machine the
    # five may outlast the runtime's limit, which ends the loop).
    assert order.index("echo 0") < order.index("spin")
    assert len(order) == 6
    assert body["data"] == {"spin": None}
    [error] = body["errors"]
    assert (error["errorType"], error["message"]) == ("ExecutionTimeout", "Execution timed out.")
    assert (await _execute(js_api, '{ echo(message: "after") }')) == {"echo": "after (echo)"}


def test_a_runaway_allocation_is_stopped_and_the_server_carries_on(js_api: Server) -> None:
    body = _post(js_api, "{ hog }")
    assert body["data"] == {"hog": None}
    [error] = body["errors"]
    assert error["errorType"] == "Code"
    assert error["message"].endswith("RangeError: the handler ran out of memory")
    assert _post(js_api, '{ echo(message: "after") }') == {"data": {"echo": "after (echo)"}}
