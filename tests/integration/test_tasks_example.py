"""The APPSYNC_JS example (`examples/tasks`) through the real server with gql: the
@aws-appsync/utils/dynamodb helpers on the embedded DynamoDB (get, put with a condition, query
with a filter and nextToken, batchGet, transactWrite), a pipeline that returns early, util.error,
and a subscription filter set from JavaScript (`extensions.setSubscriptionFilter`): a subscriber
receives only the createTask results that match it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError

from tests.conftest import REPO_ROOT
from tests.integration.conftest import Server, execute, serve, subscribed

KEY = "da2-localtasksexamplekey00000"
CONFIG = REPO_ROOT / "examples" / "tasks" / "appsync.yaml"

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def tasks() -> Iterator[Server]:
    with serve(CONFIG) as server:
        yield server


def _auth(server: Server) -> AppSyncApiKeyAuthentication:
    return AppSyncApiKeyAuthentication(host=f"{server.host}:{server.port}", api_key=KEY)


async def _execute(server: Server, query: str, **variables: Any) -> dict[str, Any]:
    return await execute(server, KEY, query, **variables)


async def test_get_and_a_missing_task(tasks: Server) -> None:
    result = await _execute(tasks, '{ getTask(id: "t2") { id title status priority } }')
    assert result == {
        "getTask": {"id": "t2", "title": "Design the store", "status": "IN_PROGRESS", "priority": 2}
    }
    with pytest.raises(TransportQueryError) as missing:
        await _execute(tasks, '{ getTask(id: "nope") { id } }')
    assert missing.value.errors is not None
    [error] = missing.value.errors
    assert (error["errorType"], error["message"]) == ("NotFound", "Task nope not found")


async def test_a_query_pages_with_next_token_and_filters(tasks: Server) -> None:
    """Newest first from the byProject index; a page shorter than the limit ends the list.
    (Runs before the tests that move and complete tasks.)"""
    query = """
        query List($next: String) {
          listTasks(projectId: "engine", limit: 3, nextToken: $next) { items { id } nextToken }
        }
    """
    first = (await _execute(tasks, query))["listTasks"]
    assert first["items"] == [{"id": "t4"}, {"id": "t3"}, {"id": "t2"}]
    assert first["nextToken"] is not None
    second = (await _execute(tasks, query, next=first["nextToken"]))["listTasks"]
    assert second == {"items": [{"id": "t1"}], "nextToken": None}
    todo = await _execute(
        tasks, '{ listTasks(projectId: "engine", status: TODO) { items { id status } } }'
    )
    assert todo == {
        "listTasks": {"items": [{"id": "t4", "status": "TODO"}, {"id": "t3", "status": "TODO"}]}
    }


async def test_batch_get_answers_in_the_order_asked_with_null_for_a_missing_task(
    tasks: Server,
) -> None:
    result = await _execute(tasks, '{ getTasks(ids: ["t3", "zz", "t1"]) { id } }')
    assert result == {"getTasks": [{"id": "t3"}, None, {"id": "t1"}]}


async def test_a_pipeline_completes_a_task_and_returns_early_for_a_done_one(
    tasks: Server,
) -> None:
    done = await _execute(tasks, 'mutation { completeTask(id: "t1") { id status updatedAt } }')
    # Done already: fetchTask's runtime.earlyReturn, skipTo END, so markDone did not write.
    assert done == {
        "completeTask": {"id": "t1", "status": "DONE", "updatedAt": "1834-06-01T17:00:00.000Z"}
    }
    completed = await _execute(tasks, 'mutation { completeTask(id: "t4") { id status } }')
    assert completed == {"completeTask": {"id": "t4", "status": "DONE"}}


async def test_a_transaction_moves_a_task_or_changes_nothing(tasks: Server) -> None:
    move = """
        mutation Move($to: ID!) {
          moveTask(id: "t3", fromProjectId: "engine", toProjectId: $to) { id projectId }
        }
    """
    with pytest.raises(TransportQueryError) as cancelled:
        await _execute(tasks, move, to="nowhere")
    assert cancelled.value.errors is not None
    [error] = cancelled.value.errors
    assert error["errorType"] == "DynamoDB:TransactionCanceledException"
    reasons = [reason["type"] for reason in error["errorInfo"]["cancellationReasons"]]
    assert reasons == ["None", "None", "ConditionalCheckFailed"]
    counts = (
        '{ engine: getProject(id: "engine") { taskCount } '
        'notes: getProject(id: "notes") { taskCount } }'
    )
    assert await _execute(tasks, counts) == {"engine": {"taskCount": 4}, "notes": {"taskCount": 1}}
    assert await _execute(tasks, move, to="notes") == {
        "moveTask": {"id": "t3", "projectId": "notes"}
    }
    assert await _execute(tasks, counts) == {"engine": {"taskCount": 3}, "notes": {"taskCount": 2}}


async def test_a_subscription_filter_set_from_javascript(tasks: Server) -> None:
    transport = AppSyncWebsocketsTransport(url=tasks.url.replace("http", "ws"), auth=_auth(tasks))
    subscription = GraphQLRequest(
        gql(
            'subscription { onTaskCreated(projectId: "engine", minPriority: 2) '
            "{ title priority projectId status } }"
        )
    )
    received: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:

        async def listen() -> None:
            async for result in session.subscribe(subscription):
                received.append(result)
                return

        listener = asyncio.ensure_future(listen())
        await subscribed(tasks, "mutation:createTask")
        create = (
            "mutation Create($input: CreateTaskInput!) "
            "{ createTask(input: $input) { title priority projectId status } }"
        )
        async with httpx.AsyncClient(headers={"x-api-key": KEY}, timeout=10) as http:
            for project, title, priority in (
                ("notes", "Another project", 3),
                ("engine", "Too low", 1),
                ("engine", "Oil the gears", 2),
            ):
                variables = {"input": {"projectId": project, "title": title, "priority": priority}}
                response = await http.post(
                    tasks.url, json={"query": create, "variables": variables}
                )
                assert response.json()["data"]["createTask"]["status"] == "TODO"
        await asyncio.wait_for(listener, timeout=10)
    assert received == [
        {
            "onTaskCreated": {
                "title": "Oil the gears",
                "priority": 2,
                "projectId": "engine",
                "status": "TODO",
            }
        }
    ]


async def test_util_error_refuses_a_task_without_a_title(tasks: Server) -> None:
    with pytest.raises(TransportQueryError) as refused:
        await _execute(
            tasks, 'mutation { createTask(input: {projectId: "engine", title: " "}) { id } }'
        )
    assert refused.value.errors is not None
    [error] = refused.value.errors
    assert (error["errorType"], error["message"]) == ("ValidationError", "A task needs a title")
