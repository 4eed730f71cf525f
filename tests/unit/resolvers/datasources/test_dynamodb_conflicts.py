"""Conflict handlers of versioned data sources, through the DynamoDB data source on both paths.

From "Conflict detection and resolution in AWS AppSync"
(https://docs.aws.amazon.com/appsync/latest/devguide/conflict-detection-and-resolution.html):
OPTIMISTIC_CONCURRENCY rejects a stale write with the stored item; AUTOMERGE merges and writes
the next version; a LAMBDA handler gets `{newItem, existingItem, arguments, resolver,
identity}` and answers RESOLVE (PutItem, UpdateItem), REMOVE (DeleteItem) or REJECT; its
errors are ConflictUnhandled, ConflictError and MaxConflicts ("Errors" on that page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from definition.model import (
    ConflictDetectionType,
    ConflictHandlerType,
    DeltaSyncConfig,
    DynamoDBConfig,
    SyncConfig,
)
from resolvers.context import ResolverContext
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_tables import create_tables, delta_sync_table
from resolvers.datasources.dynamodb_wire import DynamoDBOperations
from resolvers.errors import DataSourceError, ResolverError
from tests.unit.resolvers.contexts import field_context
from tests.unit.resolvers.datasources.dynamodb_paths import REGION, new_table
from tests.unit.resolvers.fixed_clock import CLOCK

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

V2 = "2018-05-29"
IDENTITY = {"accountId": "123456789012", "username": "jeffTheAdmin"}


@dataclass
class ConflictHandler:
    """A Lambda conflict handler: records each event and gives the next answer (an exception
    for a function that fails); `meanwhile` runs before it answers (another client's write)."""

    answers: list[Any]
    events: list[Any] = field(default_factory=list)
    meanwhile: Any = None

    async def call(self, event: Any) -> Any:
        self.events.append(event)
        if self.meanwhile is not None:
            await self.meanwhile()
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def handler(kind: ConflictHandlerType) -> SyncConfig:
    return SyncConfig(ConflictDetectionType.VERSION, kind)


async def source(
    operations: DynamoDBOperations, sync: SyncConfig, function: Any = None
) -> DynamoDBDataSource:
    table = await new_table(operations, "Posts")
    delta = DeltaSyncConfig(43200, f"Delta-{table}", 30)
    await create_tables(operations, [delta_sync_table(delta)])
    config = DynamoDBConfig(table, REGION, versioned=True, delta_sync_config=delta)
    return DynamoDBDataSource("PostsTable", config, operations, CLOCK, sync, function)


def context(arguments: dict[str, Any]) -> ResolverContext:
    ctx = field_context("updatePost", "Mutation", arguments)
    ctx.identity = IDENTITY
    return ctx


async def call(data_source: DynamoDBDataSource, request: dict[str, Any]) -> Any:
    return await data_source.invoke(request, context({"input": {"id": "1"}}))


async def refusal(data_source: DynamoDBDataSource, request: dict[str, Any]) -> ResolverError:
    with pytest.raises(DataSourceError) as raised:
        await call(data_source, request)
    return raised.value


def put(version: int | None = None, **values: Any) -> dict[str, Any]:
    typed = {name: {"S": value} for name, value in values.items()}
    request = {"version": V2, "operation": "PutItem", "key": {"id": {"S": "1"}}}
    request["attributeValues"] = typed
    return request if version is None else {**request, "_version": version}


def update(version: int, **values: Any) -> dict[str, Any]:
    names = {f"#{name}": name for name in values}
    typed = {f":{name}": {"S": value} for name, value in values.items()}
    expression = "SET " + ", ".join(f"#{name} = :{name}" for name in values)
    return {
        "version": V2,
        "operation": "UpdateItem",
        "key": {"id": {"S": "1"}},
        "update": {"expression": expression, "expressionNames": names, "expressionValues": typed},
        "_version": version,
    }


def delete(version: int) -> dict[str, Any]:
    return {
        "version": V2,
        "operation": "DeleteItem",
        "key": {"id": {"S": "1"}},
        "_version": version,
    }


async def stored_at_version_2(data_source: DynamoDBDataSource) -> None:
    await call(data_source, put(title="first", author="Ann"))
    await call(data_source, update(1, title="second"))


async def test_optimistic_concurrency_rejects_with_the_stored_item(
    operations: DynamoDBOperations,
) -> None:
    posts = await source(operations, handler(ConflictHandlerType.OPTIMISTIC_CONCURRENCY))
    await stored_at_version_2(posts)
    error = await refusal(posts, update(1, title="stale"))
    assert (error.error_type, error.message) == (
        "ConflictUnhandled",
        "Conflict resolver rejects mutation.",
    )
    assert error.data["title"] == "second"
    assert error.data["_version"] == 2


async def test_automerge_keeps_scalars_adds_fields_and_writes_the_next_version(
    operations: DynamoDBOperations,
) -> None:
    posts = await source(operations, handler(ConflictHandlerType.AUTOMERGE))
    await stored_at_version_2(posts)
    merged = await call(posts, update(1, title="stale", summary="new field"))
    # "Reject the incoming value for the scalar field"; a new field is merged on.
    assert merged["title"] == "second"
    assert merged["summary"] == "new field"
    assert merged["author"] == "Ann"
    assert merged["_version"] == 3
    stored = await operations.call(
        "GetItem", {"TableName": posts.config.table_name, "Key": {"id": {"S": "1"}}}
    )
    assert stored["Item"]["_version"] == {"N": "3"}
    # A stale PutItem merges the same way.
    put_merged = await call(posts, put(1, title="stale put", rating="5"))
    assert (put_merged["title"], put_merged["rating"], put_merged["_version"]) == (
        "second",
        "5",
        4,
    )


async def test_automerge_rejects_a_stale_delete(operations: DynamoDBOperations) -> None:
    posts = await source(operations, handler(ConflictHandlerType.AUTOMERGE))
    await stored_at_version_2(posts)
    error = await refusal(posts, delete(1))
    assert (error.error_type, error.data["_version"]) == ("ConflictUnhandled", 2)


async def test_a_lambda_handler_gets_the_documented_event_and_resolves(
    operations: DynamoDBOperations,
) -> None:
    function = ConflictHandler([{"action": "RESOLVE", "item": {"id": "ignored", "title": "ok"}}])
    posts = await source(operations, handler(ConflictHandlerType.LAMBDA), function)
    await stored_at_version_2(posts)
    resolved = await call(posts, update(1, title="stale"))
    [event] = function.events
    assert event["newItem"]["title"] == "stale"
    assert event["newItem"]["author"] == "Ann"
    assert (event["existingItem"]["title"], event["existingItem"]["_version"]) == ("second", 2)
    assert event["arguments"] == {"input": {"id": "1"}}
    assert event["resolver"] == {
        "tableName": posts.config.table_name,
        "awsRegion": REGION,
        "parentType": "Mutation",
        "field": "updatePost",
    }
    assert event["identity"] == IDENTITY
    # The item replaces the stored one; its key and sync metadata are the server's.
    assert resolved == {
        "id": "1",
        "title": "ok",
        "_version": 3,
        "_lastChangedAt": resolved["_lastChangedAt"],
    }


async def test_a_lambda_handler_may_reject_or_remove(operations: DynamoDBOperations) -> None:
    function = ConflictHandler([{"action": "REJECT"}])
    posts = await source(operations, handler(ConflictHandlerType.LAMBDA), function)
    await stored_at_version_2(posts)
    rejected = await refusal(posts, update(1, title="stale"))
    assert (rejected.error_type, rejected.data["title"]) == ("ConflictUnhandled", "second")
    function.answers = [{"action": "REMOVE"}]
    removed = await call(posts, delete(1))
    assert function.events[-1]["newItem"] is None
    assert (removed["_deleted"], removed["_version"]) == (True, 3)


@pytest.mark.parametrize(
    "answer",
    [
        {"action": "REMOVE"},
        {"action": "RESOLVE"},
        "RESOLVE",
        DataSourceError("down", "Lambda:Unhandled"),
    ],
    ids=["REMOVE for an update", "RESOLVE without item", "not an object", "the function fails"],
)
async def test_a_malformed_answer_or_a_failing_function_is_a_conflict_error(
    operations: DynamoDBOperations, answer: Any
) -> None:
    function = ConflictHandler([answer])
    posts = await source(operations, handler(ConflictHandlerType.LAMBDA), function)
    await stored_at_version_2(posts)
    error = await refusal(posts, update(1, title="stale"))
    assert error.error_type == "ConflictError"


async def test_a_resolution_that_keeps_losing_the_race_is_max_conflicts(
    operations: DynamoDBOperations,
) -> None:
    function = ConflictHandler([{"action": "RESOLVE", "item": {"title": "mine"}}])
    posts = await source(operations, handler(ConflictHandlerType.LAMBDA), function)
    await stored_at_version_2(posts)
    versions = iter(range(2, 100))

    async def another_client_writes() -> None:
        await call(posts, update(next(versions), title="theirs"))

    function.meanwhile = another_client_writes
    error = await refusal(posts, update(1, title="stale"))
    assert error.error_type == "MaxConflicts"
    assert len(function.events) == 3
