"""The executable schema: resolvers, default resolution, caching, the Strawberry seam."""

import asyncio
from decimal import Decimal
from importlib.metadata import version
from typing import Any

import pytest
import strawberry
from graphql import (
    GraphQLResolveInfo,
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.bridge import wrap_in_strawberry
from schema.errors import QuerySyntaxError
from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema, load_schema
from schema.resolution import FieldResolver


def _resolvers(table: dict[tuple[str, str], FieldResolver]) -> Any:
    calls: list[tuple[str, str]] = []

    def resolver_for(type_name: str, field_name: str) -> FieldResolver | None:
        calls.append((type_name, field_name))
        return table.get((type_name, field_name))

    resolver_for.calls = calls  # type: ignore[attr-defined]
    return resolver_for


def test_strawberry_seam_runs_our_graphql_core_schema(blog_schema: AppSyncSchema) -> None:
    # Guards the reach into strawberry 0.341.2's Schema._schema.
    assert version("strawberry-graphql") == "0.341.2"
    wrapper = wrap_in_strawberry(blog_schema.graphql_schema)
    assert isinstance(wrapper._schema, GraphQLSchema)
    assert wrapper._schema is blog_schema.graphql_schema
    result = wrapper.execute_sync(
        "{ getPost(id: 1) { id title } }",
        root_value={"getPost": {"id": "1", "title": "Hello"}},
    )
    assert result.errors is None
    assert result.data == {"getPost": {"id": "1", "title": "Hello"}}


def test_the_executable_schema_keeps_a_strawberry_schema(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    assert isinstance(executable.strawberry_schema, strawberry.Schema)


@pytest.mark.anyio
async def test_resolvers_run_and_unresolved_fields_read_the_parent_map(
    blog_schema: AppSyncSchema,
) -> None:
    async def get_post(source: Any, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
        return {"id": args["id"], "title": f"post {args['id']}", "author": {"name": "Ann"}}

    executable = ExecutableSchema(blog_schema, _resolvers({("Query", "getPost"): get_post}))
    result = await executable.execute(
        "query ($id: ID!) { getPost(id: $id) { id t: title author { name } } }",
        {"id": "7"},
        None,
        None,
    )
    assert result.errors is None
    assert result.data == {"getPost": {"id": "7", "t": "post 7", "author": {"name": "Ann"}}}


@pytest.mark.anyio
async def test_a_root_field_without_resolver_is_null(blog_schema: AppSyncSchema) -> None:
    # AppSync's "Missing resolver": the field is null, no error (troubleshooting guide).
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    result = await executable.execute("{ listPosts { id } }", None, None, None)
    assert result.errors is None
    assert result.data == {"listPosts": None}


def test_resolver_for_is_asked_once_per_object_field(blog_schema: AppSyncSchema) -> None:
    resolver_for = _resolvers({})
    ExecutableSchema(blog_schema, resolver_for)
    calls = resolver_for.calls
    assert len(calls) == len(set(calls))
    assert ("Query", "getPost") in calls
    assert ("Post", "title") in calls
    assert not any(type_name.startswith("__") for type_name, _ in calls)


def test_parse_and_validation_are_cached_by_query_text(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    query = "{ listPosts { id } }"
    assert executable.prepare(query) is executable.prepare(query)


def test_operation_type_names_the_selected_operation(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    document = "query A { listPosts { id } } mutation B { deletePost(id: 1) { id } }"
    assert executable.operation_type(document, "A") == "query"
    assert executable.operation_type(document, "B") == "mutation"
    assert executable.operation_type("subscription { onCreatePost { id } }", None) == (
        "subscription"
    )


@pytest.mark.anyio
async def test_a_query_that_does_not_parse_is_a_syntax_error(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    result = await executable.execute("{ listPosts { id ", None, None, None)
    assert result.data is None
    (error,) = result.errors or []
    assert isinstance(error.original_error, QuerySyntaxError)
    # graphql/graphql-over-http#81: AppSync answers "Unable to parse GraphQL query."
    assert error.message == "Unable to parse GraphQL query."


def _returning(value: Any, field: tuple[str, str]) -> Any:
    def resolver_for(type_name: str, field_name: str) -> FieldResolver | None:
        if (type_name, field_name) != field:
            return None
        return lambda source, info, args: value

    return resolver_for


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("field", "selection", "returned", "expected"),
    [
        # graphql-java's Scalars coerce results where graphql-js refuses: a numeric string or a
        # DynamoDB Decimal for an Int, a map printed by Java's toString for a String.
        ("rating", "rating", "42", 42),
        ("rating", "rating", Decimal("5"), 5),
        ("title", "title", {"a": 1}, "{a=1}"),
        ("title", "title", True, "true"),
        ("id", "id", 7, "7"),
    ],
)
async def test_builtin_scalars_serialize_as_graphql_java_does(
    blog_schema: AppSyncSchema, field: str, selection: str, returned: Any, expected: Any
) -> None:
    post = {"id": "1", "title": "t", field: returned}
    executable = ExecutableSchema(blog_schema, _returning(post, ("Query", "getPost")))
    result = await executable.execute(f"{{ getPost(id: 1) {{ {selection} }} }}", None, None, None)
    assert result.errors is None
    assert result.data == {"getPost": {selection: expected}}


@pytest.mark.anyio
async def test_unserializable_builtin_scalar_names_the_java_types(
    blog_schema: AppSyncSchema,
) -> None:
    # graphql-java: "Expected type 'Int' but was 'String'." inside AppSync's "Can't serialize
    # value (<path>) : <reason>" (aws-amplify/amplify-js#5963 for the frame).
    post = {"id": "1", "title": "t", "rating": "many"}
    executable = ExecutableSchema(blog_schema, _returning(post, ("Query", "getPost")))
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
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    query = "query ($id: ID!) { getPost(id: $id) { id } }"
    bad: Any = "not an object"
    result = await executable.execute(query, bad, None, None)
    assert result.data is None
    assert [error.message for error in result.errors or []] == [
        "Variable 'id' has coerced Null value for NonNull type 'ID!'"
    ]


@pytest.mark.anyio
async def test_absurdly_nested_query_is_refused_without_crashing(
    blog_schema: AppSyncSchema,
) -> None:
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    query = "{ listPosts " + "{ id " * 5000 + "}" * 5000 + " }"
    result = await executable.execute(query, None, None, None)
    assert result.data is None
    (error,) = result.errors or []
    assert isinstance(error.original_error, QuerySyntaxError)


@pytest.mark.anyio
async def test_operation_selection_errors_are_request_errors(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, _resolvers({}))
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
async def test_an_empty_selection_set_does_not_parse(blog_schema: AppSyncSchema) -> None:
    # graphql-java's grammar requires a selection in braces; graphql-core would accept `{ }`.
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    result = await executable.execute("{ listPosts { } }", None, None, None)
    (error,) = result.errors or []
    assert isinstance(error.original_error, QuerySyntaxError)


@pytest.mark.anyio
async def test_unknown_enum_result_is_a_serialization_error(write_sdl: Any) -> None:
    # graphql-java GraphQLEnumType.serialize: "Invalid input for Enum '%s'. Unknown value '%s'".
    schema = load_schema(write_sdl("enum Status { DRAFT PUBLISHED }\ntype Query { s: Status }"))
    executable = ExecutableSchema(schema, _returning("ARCHIVED", ("Query", "s")))
    result = await executable.execute("{ s }", None, None, None)
    assert result.data == {"s": None}
    (error,) = result.errors or []
    assert error.message == (
        "Can't serialize value (/s) : Invalid input for Enum 'Status'. Unknown value 'ARCHIVED'"
    )
    executable = ExecutableSchema(schema, _returning("DRAFT", ("Query", "s")))
    assert (await executable.execute("{ s }", None, None, None)).data == {"s": "DRAFT"}


def _recording(calls: list[dict[str, Any]]) -> Any:
    def resolver_for(type_name: str, field_name: str) -> FieldResolver | None:
        if (type_name, field_name) != ("Query", "page"):
            return None

        def page(source: Any, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
            calls.append(args)
            return "ok"

        return page

    return resolver_for


@pytest.mark.anyio
async def test_resolvers_get_only_the_arguments_the_operation_writes(write_sdl: Any) -> None:
    # aws/aws-appsync-community#59: a schema default is not passed to the resolver.
    # aws/aws-appsync-community#348: an argument bound to an absent variable arrives as null.
    schema = load_schema(write_sdl("type Query { page(after: String, limit: Int = 20): String }"))
    calls: list[dict[str, Any]] = []
    executable = ExecutableSchema(schema, _recording(calls))
    await executable.execute("{ page }", None, None, None)
    await executable.execute('{ page(after: "x") }', None, None, None)
    await executable.execute("query ($a: String) { page(after: $a) }", {}, None, None)
    await executable.execute("query ($a: String) { page(after: $a) }", {"a": "y"}, None, None)
    await executable.execute("{ page(limit: 5) }", None, None, None)
    assert calls == [{}, {"after": "x"}, {"after": None}, {"after": "y"}, {"limit": 5}]


@pytest.mark.anyio
async def test_the_standard_introspection_query_builds_a_client_schema(
    blog_schema: AppSyncSchema,
) -> None:
    # What gql and Amplify codegen send to learn the schema.
    executable = ExecutableSchema(blog_schema, _resolvers({}))
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
    executable = ExecutableSchema(blog_schema, _resolvers({}))
    result = asyncio.run(executable.execute(query, variables, None, None))
    assert result.data is not None or result.errors
