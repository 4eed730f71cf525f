"""AWS_LAMBDA served by a local handler: the events it receives, its errors, and BatchInvoke.

Expected shapes:
- the direct Lambda resolver event `{arguments, identity, source, request: {headers, domainName},
  prev, info: {fieldName, parentTypeName, variables, selectionSetList, selectionSetGraphQL},
  stash}` (AppSync direct-lambda-reference; Powertools for AWS Lambda `AppSyncResolverEvent`
  schema, whose sample also shows `"prev": null` for a unit resolver);
- with a request handler the function receives the payload (AWS Lambda resolver tutorial: a
  template payload `{"field": ..., "arguments": ...}` and a function reading `event.field`);
- a raised error is `errorType: "Lambda:Unhandled"` with the function's errorMessage
  (aws-appsync-community#209, amplify-cli#9378 deployed responses);
- BatchInvoke sends one list of events for the field's resolutions and expects a list back in
  the same order, at most maxBatchSize per call (resolver-reference-lambda-js; AWS blog
  "Introducing configurable batching size for AWS AppSync Lambda resolvers").
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from graphql import GraphQLResolveInfo, build_schema, graphql

from resolvers.context import OperationScope, RequestInfo, ResolverContext, ResolverInfo
from resolvers.datasources.lambda_ import LambdaDataSource, direct_lambda_code
from resolvers.datasources.lambda_handler import LambdaContext
from resolvers.errors import DataSourceError, HandlerImportError, ResolverError, UtilError
from resolvers.unit import UnitResolver
from tests.unit.resolvers.handler_modules import import_handlers

HANDLERS = """
import asyncio
import datetime
import json

CALLS = []
CONTEXTS = []

def handler(event, context):
    CALLS.append(json.loads(json.dumps(event)))
    CONTEXTS.append(context)
    if isinstance(event, dict):
        event["stash"] = {"mutated": True}
        return {"got": event.get("arguments")}
    return [{"n": index, "event": item} for index, item in enumerate(event)]

def failing(event, context):
    raise PermissionError("no access to post 7")

def bare_failing(event, context):
    raise ValueError()

async def async_handler(event, context):
    await asyncio.sleep(0)
    return {"async": event}

def one_argument(event):
    return {"one": event}

def not_json(event, context):
    return {"when": datetime.date(2024, 1, 2)}

def short_batch(event, context):
    CALLS.append(event)
    return event[:-1]

NOT_CALLABLE = 3
"""


def make_context(**overrides: Any) -> ResolverContext:
    values: dict[str, Any] = {
        "arguments": {"id": "7"},
        "source": {"postId": "7"},
        "identity": {"sub": "user-1", "issuer": "https://idp.example", "claims": {}},
        "info": ResolverInfo(
            field_name="author",
            parent_type_name="Post",
            variables={"limit": 2},
            selection_set_list=["id", "name"],
            selection_set_graphql="{\n  id\n  name\n}",
        ),
        "request": RequestInfo(headers={"x-api-key": "da2-key"}, domain_name=None),
        "stash": {"k": "v"},
    }
    values.update(overrides)
    return ResolverContext(**values)


@pytest.fixture
def handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return import_handlers(tmp_path, monkeypatch, HANDLERS)


def data_source(handlers: ModuleType, function: str = "handler") -> LambdaDataSource:
    return LambdaDataSource("PostsFunction", f"{handlers.__name__}:{function}")


@pytest.mark.anyio
async def test_direct_event_has_appsyncs_context_shape(handlers: ModuleType) -> None:
    resolver = UnitResolver(direct_lambda_code(), data_source(handlers))
    ctx = make_context()
    assert await resolver.resolve(ctx) == {"got": {"id": "7"}}
    assert handlers.CALLS == [
        {
            "arguments": {"id": "7"},
            "identity": {"sub": "user-1", "issuer": "https://idp.example", "claims": {}},
            "source": {"postId": "7"},
            "request": {"headers": {"x-api-key": "da2-key"}, "domainName": None},
            "prev": None,
            "info": {
                "fieldName": "author",
                "parentTypeName": "Post",
                "variables": {"limit": 2},
                "selectionSetList": ["id", "name"],
                "selectionSetGraphQL": "{\n  id\n  name\n}",
            },
            "stash": {"k": "v"},
        }
    ]


@pytest.mark.anyio
async def test_handler_gets_a_copy_of_the_event(handlers: ModuleType) -> None:
    ctx = make_context()
    await UnitResolver(direct_lambda_code(), data_source(handlers)).resolve(ctx)
    # The event crossed a JSON boundary: the handler's change to it is not AppSync's stash.
    assert ctx.stash == {"k": "v"}


@pytest.mark.anyio
async def test_handler_receives_a_lambda_context(handlers: ModuleType) -> None:
    await data_source(handlers).invoke({"operation": "Invoke", "payload": {}}, make_context())
    (context,) = handlers.CONTEXTS
    assert isinstance(context, LambdaContext)
    assert context.function_name == "PostsFunction"
    assert len(context.aws_request_id) == 36
    assert 0 < context.get_remaining_time_in_millis() <= 30_000


@pytest.mark.anyio
async def test_raised_error_is_lambda_unhandled_with_its_message(handlers: ModuleType) -> None:
    with pytest.raises(DataSourceError) as raised:
        await data_source(handlers, "failing").invoke(
            {"operation": "Invoke", "payload": {"id": "7"}}, make_context()
        )
    assert raised.value.error_type == "Lambda:Unhandled"
    assert raised.value.message == "no access to post 7"


@pytest.mark.anyio
async def test_direct_resolver_raises_lambda_unhandled_as_the_field_error(
    handlers: ModuleType,
) -> None:
    resolver = UnitResolver(direct_lambda_code(), data_source(handlers, "failing"))
    with pytest.raises(UtilError) as raised:
        await resolver.resolve(make_context())
    assert (raised.value.error_type, raised.value.message, raised.value.data) == (
        "Lambda:Unhandled",
        "no access to post 7",
        None,
    )


@pytest.mark.anyio
async def test_error_without_a_message_has_an_empty_message(handlers: ModuleType) -> None:
    with pytest.raises(DataSourceError) as raised:
        await data_source(handlers, "bare_failing").invoke(
            {"operation": "Invoke", "payload": None}, make_context()
        )
    assert (raised.value.message, raised.value.error_type) == ("", "Lambda:Unhandled")


@pytest.mark.anyio
async def test_async_and_one_argument_handlers_are_called(handlers: ModuleType) -> None:
    request = {"operation": "Invoke", "payload": {"q": 1}}
    assert await data_source(handlers, "async_handler").invoke(request, make_context()) == {
        "async": {"q": 1}
    }
    assert await data_source(handlers, "one_argument").invoke(request, make_context()) == {
        "one": {"q": 1}
    }


@pytest.mark.anyio
async def test_result_json_cannot_carry_is_a_marshal_error(handlers: ModuleType) -> None:
    with pytest.raises(DataSourceError) as raised:
        await data_source(handlers, "not_json").invoke(
            {"operation": "Invoke", "payload": {}}, make_context()
        )
    assert raised.value.error_type == "Lambda:Unhandled"
    assert raised.value.message.startswith("Unable to marshal response: ")


@pytest.mark.anyio
async def test_unknown_operation_is_a_mapping_template_error(handlers: ModuleType) -> None:
    with pytest.raises(ResolverError) as raised:
        await data_source(handlers).invoke({"operation": "Call", "payload": {}}, make_context())
    assert raised.value.error_type == "MappingTemplate"
    assert handlers.CALLS == []


def test_handler_that_cannot_be_imported_is_reported_at_load(handlers: ModuleType) -> None:
    with pytest.raises(HandlerImportError, match="no attribute missing"):
        LambdaDataSource("fn", f"{handlers.__name__}:missing")
    with pytest.raises(HandlerImportError, match="not callable"):
        LambdaDataSource("fn", f"{handlers.__name__}:NOT_CALLABLE")
    with pytest.raises(HandlerImportError, match="cannot import"):
        LambdaDataSource("fn", "no_such_module_for_appsync_tests:handler")
    with pytest.raises(HandlerImportError, match="module:function"):
        LambdaDataSource("fn", "just_a_module")


def batch_request(item: str) -> dict[str, Any]:
    return {"operation": "BatchInvoke", "payload": {"item": item}}


@pytest.mark.anyio
async def test_batch_invoke_sends_one_list_for_sibling_resolutions(handlers: ModuleType) -> None:
    source = data_source(handlers)
    scope = OperationScope()
    contexts = [make_context(operation=scope, max_batch_size=10) for _ in range(3)]
    results = await asyncio.gather(
        *(source.invoke(batch_request(str(i)), ctx) for i, ctx in enumerate(contexts))
    )
    assert handlers.CALLS == [[{"item": "0"}, {"item": "1"}, {"item": "2"}]]
    assert results == [{"n": i, "event": {"item": str(i)}} for i in range(3)]
    assert scope.batches == {}


@pytest.mark.anyio
async def test_batch_invoke_splits_by_max_batch_size(handlers: ModuleType) -> None:
    source = data_source(handlers)
    scope = OperationScope()
    results = await asyncio.gather(
        *(
            source.invoke(batch_request(str(i)), make_context(operation=scope, max_batch_size=2))
            for i in range(5)
        )
    )
    assert sorted(len(call) for call in handlers.CALLS) == [1, 2, 2]
    assert [result["event"]["item"] for result in results] == ["0", "1", "2", "3", "4"]


@pytest.mark.anyio
async def test_batch_invoke_without_max_batch_size_uses_five(handlers: ModuleType) -> None:
    source = data_source(handlers)
    scope = OperationScope()
    await asyncio.gather(
        *(source.invoke(batch_request(str(i)), make_context(operation=scope)) for i in range(7))
    )
    assert sorted(len(call) for call in handlers.CALLS) == [2, 5]


@pytest.mark.anyio
async def test_batch_of_the_wrong_length_fails_every_member(handlers: ModuleType) -> None:
    source = data_source(handlers, "short_batch")
    scope = OperationScope()
    outcomes = await asyncio.gather(
        *(
            source.invoke(batch_request(str(i)), make_context(operation=scope, max_batch_size=5))
            for i in range(3)
        ),
        return_exceptions=True,
    )
    assert len(handlers.CALLS) == 1
    for outcome in outcomes:
        assert isinstance(outcome, DataSourceError)
        assert outcome.error_type == "Lambda:Unhandled"


SCHEMA = build_schema(
    """
    type Query { posts: [Post] }
    type Post { id: ID!, author: Author }
    type Author { id: ID!, name: String }
    """
)


@pytest.mark.anyio
async def test_direct_lambda_batching_under_graphql_execution(handlers: ModuleType) -> None:
    resolver = UnitResolver(direct_lambda_code(), data_source(handlers), max_batch_size=10)

    async def resolve_author(post: dict[str, Any], info: GraphQLResolveInfo[OperationScope]) -> Any:
        ctx = ResolverContext(
            arguments={},
            source=post,
            identity=None,
            info=ResolverInfo(info.field_name, info.parent_type.name, {}, [], ""),
            request=RequestInfo(headers={}),
            operation=info.context,
        )
        result = await resolver.resolve(ctx)
        return {"id": result["event"]["source"]["id"], "name": f"author #{result['n']}"}

    posts = [{"id": "p1"}, {"id": "p2"}, {"id": "p3"}]
    SCHEMA.get_type("Post").fields["author"].resolve = resolve_author  # type: ignore[union-attr]
    outcome = await graphql(
        SCHEMA,
        "{ posts { id author { id name } } }",
        root_value={"posts": posts},
        context_value=OperationScope(),
    )
    assert outcome.errors is None
    assert outcome.data == {
        "posts": [
            {"id": "p1", "author": {"id": "p1", "name": "author #0"}},
            {"id": "p2", "author": {"id": "p2", "name": "author #1"}},
            {"id": "p3", "author": {"id": "p3", "name": "author #2"}},
        ]
    }
    (batch,) = handlers.CALLS
    assert [event["source"] for event in batch] == posts
    assert {event["info"]["fieldName"] for event in batch} == {"author"}
