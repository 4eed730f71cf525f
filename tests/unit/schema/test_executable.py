"""The executable schema: operations run as AppSync runs them, with its request and field errors.

The field errors' texts are AppSync responses recorded in public threads (cited)."""

import asyncio
from typing import Any

import pytest
from graphql import (
    build_client_schema,
    get_introspection_query,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema
from tests.unit.schema.executing import (
    executable_with_values,
    recording_resolvers,
    returning,
    run,
)


@pytest.mark.anyio
async def test_a_prepared_document_names_the_selected_operation(
    blog_schema: AppSyncSchema,
) -> None:
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    prepared = await executable.prepare(
        "query A { listPosts { id } } mutation B { deletePost(id: 1) { id } }"
    )
    a, b = prepared.operation("A"), prepared.operation("B")
    assert a is not None
    assert b is not None
    assert (a.operation.value, b.operation.value) == ("query", "mutation")
    alone = await executable.prepare("subscription { onCreatePost { id } }")
    only = alone.operation(None)
    assert only is not None
    assert only.operation.value == "subscription"


@pytest.mark.anyio
async def test_unserializable_builtin_scalar_names_the_java_types(
    blog_schema: AppSyncSchema,
) -> None:
    # graphql-java: "Expected type 'Int' but was 'String'." inside AppSync's "Can't serialize
    # value (<path>) : <reason>" (aws-amplify/amplify-js#5963 for the frame).
    post = {"id": "1", "title": "t", "rating": "many"}
    executable = ExecutableSchema(blog_schema, returning(post, ("Query", "getPost")))
    result = await executable.execute("{ getPost(id: 1) { rating } }", None, None, None)
    (error,) = result.errors or []
    assert error.message == (
        "Can't serialize value (/getPost/rating) : Expected type 'Int' but was 'String'."
    )
    assert result.data == {"getPost": {"rating": None}}


@pytest.mark.anyio
async def test_variables_that_are_not_an_object_count_as_absent(
    blog_schema: AppSyncSchema,
) -> None:
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    query = "query ($id: ID!) { getPost(id: $id) { id } }"
    bad: Any = "not an object"
    result = await executable.execute(query, bad, None, None)
    assert result.data is None
    assert [error.message for error in result.errors or []] == [
        "Variable 'id' has coerced Null value for NonNull type 'ID!'"
    ]


@pytest.mark.anyio
async def test_operation_selection_errors_are_request_errors(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    two = "query A { listPosts { id } } query B { listPosts { id } }"
    result = await executable.execute(two, None, None, None)
    assert result.data is None
    # graphql-java's texts, which graphql-core shares.
    assert [e.message for e in result.errors or []] == [
        "Must provide operation name if query contains multiple operations."
    ]
    result = await executable.execute(two, None, "C", None)
    assert [e.message for e in result.errors or []] == ["Unknown operation named 'C'."]


@pytest.mark.anyio
async def test_the_standard_introspection_query_builds_a_client_schema(
    blog_schema: AppSyncSchema,
) -> None:
    # What gql and Amplify codegen send to learn the schema.
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    result = await executable.execute(get_introspection_query(), None, None, None)
    assert result.errors is None
    assert result.data is not None
    client_schema = build_client_schema(result.data)  # type: ignore[arg-type]
    aws_json = client_schema.get_type("AWSJSON")
    assert aws_json is not None
    assert aws_json.description is not None
    assert aws_json.description.startswith("The AWSJSON scalar type represents a JSON string")


_QUERY_PIECES = st.sampled_from(
    [
        "{",
        "}",
        "(",
        ")",
        "getPost",
        "listPosts",
        "id",
        "title",
        "author",
        "...",
        "on",
        "Post",
        "query",
        "$v",
        ":",
        "ID!",
        "1",
        '"x"',
        "@skip",
        "fragment",
        "F",
        "__schema",
        " ",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(_QUERY_PIECES, max_size=30).map(" ".join) | st.text(max_size=60),
    st.none() | st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5)),
)
def test_any_text_and_variables_give_a_result_never_an_exception(
    blog_schema: AppSyncSchema, query: str, variables: dict[str, Any] | None
) -> None:
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    result = asyncio.run(executable.execute(query, variables, None, None))
    assert result.data is not None or result.errors


@pytest.mark.anyio
async def test_unserializable_result_names_the_java_path(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-js#5963 (AppSync response).
    items = [{"orderDate": "2020-05-19T11:05:29.000Z"}] * 32
    items.append({"orderDate": "2020-05-23T06:4:37.000Z"})
    executable = executable_with_values(recorded, **{"Query.syncOrders": {"items": items}})
    result = await run(executable, "{ syncOrders { items { orderDate } } }")
    assert result.data is not None
    (error,) = result.errors or []
    assert error.message == (
        "Can't serialize value (/syncOrders/items[32]/orderDate) : Unable to serialize "
        "`2020-05-23T06:4:37.000Z` as a valid DateTime Object."
    )
    assert error.path == ["syncOrders", "items", 32, "orderDate"]
    assert error.locations is None


@pytest.mark.anyio
async def test_null_for_non_null_field(recorded: AppSyncSchema) -> None:
    # aws-amplify/amplify-cli#6450 (AppSync response).
    executable = executable_with_values(recorded, **{"Query.onCreateForm": {"name": None}})
    result = await run(executable, "{ onCreateForm { name } }")
    assert result.data == {"onCreateForm": None}
    (error,) = result.errors or []
    assert error.message == (
        "Cannot return null for non-nullable type: 'String' within parent 'Form' "
        "(/onCreateForm/name)"
    )
    # graphql-compose/graphql-compose#121 (AppSync response): the path is the null field's and
    # there are no locations.
    assert error.path == ["onCreateForm", "name"]
    assert error.locations is None
