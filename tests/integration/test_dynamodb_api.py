"""The DynamoDB-backed example API through the real server: gql, httpx and boto3.

`examples/todo` runs the VTL templates Amplify's GraphQL transformer generates for an `@model`
type over the embedded DynamoDB, plus a BatchGetItem from the resolver mapping template
reference. Expected shapes come from AppSync's documentation: a failed condition is a
`DynamoDB:ConditionalCheckFailedException` field error whose `data` is the current item
("Condition expressions", resolver mapping template reference for DynamoDB); the message ends
with the Java SDK's `(Service: DynamoDb, Status Code: 400, Request ID: ...)`; BatchGetItem takes
at most 100 keys (DynamoDB's BatchGetItem reference). boto3 talks to the same data through the
endpoint the server announces.

The embedded DynamoDB lives as long as the test process, so each test works on ids of its own.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
import yaml
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError
from mypy_boto3_dynamodb import DynamoDBClient

from tests.conftest import REPO_ROOT
from tests.integration.conftest import Server, api_key_client, execute, serve, subscribed

TODO_CONFIG = REPO_ROOT / "examples" / "todo" / "appsync.yaml"
TODO_KEY = "da2-localtodoexamplekey000000"
SDK_SUFFIX = "(Service: DynamoDb, Status Code: 400, Request ID: "
TODO_FIELDS = "id name description priority done createdAt updatedAt"
# $util.time.nowISO8601(): "2018-02-06T19:01:35.749Z" in the $util.time reference.
ISO8601_MILLIS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


@pytest.fixture(scope="module")
def todo() -> Iterator[Server]:
    with serve(TODO_CONFIG) as server:
        yield server


@pytest.fixture(scope="module")
def dynamodb(todo: Server) -> DynamoDBClient:
    """boto3 on the AWS endpoint `serve` prints (the server's own port), with its keys."""
    return boto3.client(
        "dynamodb",
        endpoint_url=f"http://{todo.host}:{todo.port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _client(server: Server) -> Client:
    return api_key_client(server, TODO_KEY)


async def _execute(server: Server, document: str, **variables: Any) -> dict[str, Any]:
    return await execute(server, TODO_KEY, document, **variables)


async def _failure(server: Server, document: str, **variables: Any) -> TransportQueryError:
    async with _client(server) as session:
        with pytest.raises(TransportQueryError) as caught:
            await session.execute(GraphQLRequest(gql(document), variable_values=variables or None))
    return caught.value


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


CREATE = f"""
mutation Create($input: CreateTodoInput!) {{ createTodo(input: $input) {{ {TODO_FIELDS} }} }}
"""
GET = f"query Get($id: ID!) {{ getTodo(id: $id) {{ {TODO_FIELDS} }} }}"
LIST = """
query List($filter: ModelTodoFilterInput, $limit: Int, $nextToken: String) {
  listTodos(filter: $filter, limit: $limit, nextToken: $nextToken) { items { id } nextToken }
}
"""
UPDATE = f"""
mutation Update($input: UpdateTodoInput!, $condition: ModelTodoConditionInput) {{
  updateTodo(input: $input, condition: $condition) {{ {TODO_FIELDS} }}
}}
"""
BATCH = "query Batch($ids: [ID!]!) { batchGetTodos(ids: $ids) { id name } }"


@pytest.mark.anyio
async def test_created_item_is_read_back(todo: Server) -> None:
    todo_id = _unique("get")
    created = await _execute(todo, CREATE, input={"id": todo_id, "name": "Buy milk", "priority": 3})
    item = created["createTodo"]
    assert (item["id"], item["name"], item["priority"]) == (todo_id, "Buy milk", 3)
    # The Amplify template stamps createdAt, then updatedAt, with $util.time.nowISO8601().
    assert ISO8601_MILLIS.fullmatch(item["createdAt"])
    assert item["createdAt"] <= item["updatedAt"]
    assert await _execute(todo, GET, id=todo_id) == {"getTodo": item}


@pytest.mark.anyio
async def test_missing_item_is_null_without_an_error(todo: Server) -> None:
    assert await _execute(todo, GET, id=_unique("absent")) == {"getTodo": None}


@pytest.mark.anyio
async def test_create_with_an_id_in_use_fails_with_the_current_item(todo: Server) -> None:
    todo_id = _unique("dup")
    first = await _execute(todo, CREATE, input={"id": todo_id, "name": "first"})
    error = await _failure(todo, CREATE, input={"id": todo_id, "name": "second"})
    assert error.data == {"createTodo": None}
    assert error.errors is not None
    [detail] = error.errors
    assert detail["errorType"] == "DynamoDB:ConditionalCheckFailedException"
    assert detail["message"].startswith("The conditional request failed " + SDK_SUFFIX)
    # The current item as stored: the input's own attributes and what the template added.
    stored = {key: value for key, value in first["createTodo"].items() if value is not None}
    assert detail["data"] == {**stored, "__typename": "Todo"}


@pytest.mark.anyio
async def test_list_with_filter_pages_with_next_token(todo: Server) -> None:
    prefix = _unique("list")
    wanted = set()
    for number in range(3):
        created = await _execute(todo, CREATE, input={"name": f"{prefix} {number}", "done": False})
        wanted.add(created["createTodo"]["id"])
    await _execute(todo, CREATE, input={"name": f"{prefix} done", "done": True})
    found: list[str] = []
    token = None
    pages = 0
    while True:
        page = await _execute(
            todo,
            LIST,
            filter={"name": {"beginsWith": prefix}, "done": {"eq": False}},
            limit=2,
            nextToken=token,
        )
        found += [item["id"] for item in page["listTodos"]["items"]]
        pages += 1
        token = page["listTodos"]["nextToken"]
        if token is None:
            break
    # DynamoDB applies the limit before the filter: more pages than matches, each at most 2.
    assert pages >= 2
    assert sorted(found) == sorted(wanted)


@pytest.mark.anyio
async def test_update_applies_when_its_condition_holds(todo: Server) -> None:
    todo_id = _unique("update")
    await _execute(todo, CREATE, input={"id": todo_id, "name": "draft", "priority": 1})
    result = await _execute(
        todo,
        UPDATE,
        input={"id": todo_id, "done": True, "description": "shipped"},
        condition={"priority": {"eq": 1}},
    )
    updated = result["updateTodo"]
    assert (updated["done"], updated["description"], updated["priority"]) == (True, "shipped", 1)


@pytest.mark.anyio
async def test_update_with_a_failing_condition_returns_the_current_item(todo: Server) -> None:
    todo_id = _unique("condition")
    created = await _execute(todo, CREATE, input={"id": todo_id, "name": "keep", "priority": 1})
    error = await _failure(
        todo, UPDATE, input={"id": todo_id, "name": "changed"}, condition={"priority": {"eq": 5}}
    )
    assert error.data == {"updateTodo": None}
    assert error.errors is not None
    [detail] = error.errors
    assert detail["path"] == ["updateTodo"]
    assert detail["errorType"] == "DynamoDB:ConditionalCheckFailedException"
    assert SDK_SUFFIX in detail["message"]
    # The item as it is now, unchanged by the refused update.
    assert detail["data"]["name"] == "keep"
    assert detail["data"]["updatedAt"] == created["createTodo"]["updatedAt"]
    assert (await _execute(todo, GET, id=todo_id))["getTodo"]["name"] == "keep"


@pytest.mark.anyio
async def test_batch_get_keeps_the_order_of_keys_with_null_for_missing(todo: Server) -> None:
    ids = [_unique("batch") for _ in range(2)]
    for todo_id in ids:
        await _execute(todo, CREATE, input={"id": todo_id, "name": todo_id})
    absent = _unique("absent")
    result = await _execute(todo, BATCH, ids=[ids[1], absent, ids[0]])
    assert result == {
        "batchGetTodos": [{"id": ids[1], "name": ids[1]}, None, {"id": ids[0], "name": ids[0]}]
    }


@pytest.mark.anyio
async def test_batch_over_one_hundred_keys_is_refused(todo: Server) -> None:
    error = await _failure(todo, BATCH, ids=[_unique("many") for _ in range(101)])
    assert error.data == {"batchGetTodos": None}
    assert error.errors is not None
    [detail] = error.errors
    assert detail["errorType"] == "DynamoDB:ValidationException"
    assert "100" in detail["message"]
    assert SDK_SUFFIX in detail["message"]


def test_boto3_reads_what_a_mutation_wrote(todo: Server, dynamodb: DynamoDBClient) -> None:
    todo_id = _unique("boto-read")
    body = {"query": CREATE, "variables": {"input": {"id": todo_id, "name": "from the API"}}}
    response = httpx.post(todo.url, json=body, headers={"x-api-key": TODO_KEY}, timeout=10)
    assert response.json()["data"]["createTodo"]["id"] == todo_id
    item = dynamodb.get_item(TableName="Todo", Key={"id": {"S": todo_id}})["Item"]
    # Stored as $util.dynamodb.toMapValuesJson typed the input, with Amplify's __typename.
    assert item["name"] == {"S": "from the API"}
    assert item["__typename"] == {"S": "Todo"}
    assert item["createdAt"]["S"] == response.json()["data"]["createTodo"]["createdAt"]


@pytest.mark.anyio
async def test_item_seeded_with_boto3_is_read_by_the_api(
    todo: Server, dynamodb: DynamoDBClient
) -> None:
    todo_id = _unique("boto-seed")
    dynamodb.put_item(
        TableName="Todo",
        Item={
            "id": {"S": todo_id},
            "name": {"S": "seeded"},
            "priority": {"N": "7"},
            "done": {"BOOL": True},
            "createdAt": {"S": "2026-02-01T08:00:00.000Z"},
            "updatedAt": {"S": "2026-02-01T08:00:00.000Z"},
        },
    )
    assert await _execute(todo, GET, id=todo_id) == {
        "getTodo": {
            "id": todo_id,
            "name": "seeded",
            "description": None,
            "priority": 7,
            "done": True,
            "createdAt": "2026-02-01T08:00:00.000Z",
            "updatedAt": "2026-02-01T08:00:00.000Z",
        }
    }


def test_a_dynamodb_error_does_not_take_the_server_down(todo: Server) -> None:
    # DynamoDB refuses a Limit of 0 with a ValidationException: a field error, the server lives.
    refused = httpx.post(
        todo.url,
        json={"query": "{ listTodos(limit: 0) { items { id } } }"},
        headers={"x-api-key": TODO_KEY},
        timeout=10,
    ).json()
    assert refused["data"] == {"listTodos": None}
    [detail] = refused["errors"]
    assert detail["errorType"] == "DynamoDB:ValidationException"
    assert detail["message"].startswith(
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1 " + SDK_SUFFIX
    )
    todo_id = _unique("after")
    body = {"query": CREATE, "variables": {"input": {"id": todo_id, "name": "still up"}}}
    after = httpx.post(todo.url, json=body, headers={"x-api-key": TODO_KEY}, timeout=10)
    assert after.json()["data"]["createTodo"]["name"] == "still up"


BUMP = "mutation Bump($id: ID!, $by: Int) { bumpPriority(id: $id, by: $by) { id priority } }"


@pytest.mark.anyio
async def test_python_resolver_updates_with_an_increment(todo: Server) -> None:
    todo_id = _unique("bump")
    await _execute(todo, CREATE, input={"id": todo_id, "name": "bump me", "priority": 2})
    result = await _execute(todo, BUMP, id=todo_id, by=3)
    assert result == {"bumpPriority": {"id": todo_id, "priority": 5}}


@pytest.mark.anyio
async def test_python_resolver_condition_keeps_a_missing_item_missing(todo: Server) -> None:
    todo_id = _unique("bump-absent")
    error = await _failure(todo, BUMP, id=todo_id, by=1)
    assert error.data == {"bumpPriority": None}
    assert error.errors is not None
    [detail] = error.errors
    assert detail["errorType"] == "DynamoDB:ConditionalCheckFailedException"
    assert await _execute(todo, GET, id=todo_id) == {"getTodo": None}


def test_a_data_source_with_an_endpoint_goes_through_boto3_to_that_dynamodb(
    todo: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second server whose data source names the first one's AWS endpoint, as it would name
    # DynamoDB Local or https://dynamodb.<region>.amazonaws.com: same templates, boto3 path,
    # signed with the credentials boto3 finds in the environment (the first one's keys here).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    shutil.copytree(TODO_CONFIG.parent, tmp_path, dirs_exist_ok=True)
    definition = yaml.safe_load(TODO_CONFIG.read_text())
    [source] = definition["dataSources"]
    source["dynamodbConfig"]["endpoint"] = f"http://{todo.host}:{todo.port}"
    del definition["server"]
    (tmp_path / "appsync.yaml").write_text(yaml.safe_dump(definition))
    todo_id = _unique("remote")
    with serve(tmp_path / "appsync.yaml") as remote:
        body = {"query": CREATE, "variables": {"input": {"id": todo_id, "name": "via boto3"}}}
        created = httpx.post(remote.url, json=body, headers={"x-api-key": TODO_KEY}, timeout=10)
        assert created.json()["data"]["createTodo"]["name"] == "via boto3"
        again = httpx.post(remote.url, json=body, headers={"x-api-key": TODO_KEY}, timeout=10)
        [detail] = again.json()["errors"]
        assert detail["errorType"] == "DynamoDB:ConditionalCheckFailedException"
        assert detail["data"]["name"] == "via boto3"
    read = httpx.post(
        todo.url,
        json={"query": GET, "variables": {"id": todo_id}},
        headers={"x-api-key": TODO_KEY},
        timeout=10,
    )
    assert read.json()["data"]["getTodo"]["name"] == "via boto3"


@pytest.mark.anyio
async def test_a_created_todo_reaches_a_subscriber(todo: Server) -> None:
    auth = AppSyncApiKeyAuthentication(host=f"{todo.host}:{todo.port}", api_key=TODO_KEY)
    transport = AppSyncWebsocketsTransport(url=todo.url.replace("http", "ws"), auth=auth)
    subscription = GraphQLRequest(gql("subscription { onCreateTodo { id name priority } }"))
    todo_id = _unique("published")
    received: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:

        async def listen() -> None:
            async for result in session.subscribe(subscription):
                if result["onCreateTodo"]["id"] == todo_id:  # other tests create todos too
                    received.append(result)
                    return

        async with asyncio.TaskGroup() as group:
            listener = group.create_task(listen())
            await subscribed(todo, "mutation:createTodo")
            # The subscriber gets the fields the mutation selected: here not `priority`.
            await _execute(
                todo,
                'mutation C($id: ID) { createTodo(input: {id: $id, name: "sub"}) { id name } }',
                id=todo_id,
            )
            await asyncio.wait_for(listener, timeout=10)
    assert received == [{"onCreateTodo": {"id": todo_id, "name": "sub", "priority": None}}]
