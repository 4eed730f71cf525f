"""Field resolution as AppSync does it (resolvers, the parent map, the arguments a resolver
gets) and leaf completion as graphql-java serializes."""

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLResolveInfo, specified_scalar_types

from schema.errors import CoercionError
from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema, load_schema
from schema.resolution import FieldResolution, FieldResolver, complete_leaf
from tests.unit.schema.conftest import WriteSdl
from tests.unit.schema.executing import (
    recording_resolvers,
    returning,
)


@pytest.mark.anyio
async def test_resolvers_run_and_unresolved_fields_read_the_parent_map(
    blog_schema: AppSyncSchema,
) -> None:
    async def get_post(source: Any, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
        return {"id": args["id"], "title": f"post {args['id']}", "author": {"name": "Ann"}}

    executable = ExecutableSchema(
        blog_schema, recording_resolvers({("Query", "getPost"): get_post})
    )
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
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    result = await executable.execute("{ listPosts { id } }", None, None, None)
    assert result.errors is None
    assert result.data == {"listPosts": None}


def test_resolver_for_is_asked_once_per_object_field(blog_schema: AppSyncSchema) -> None:
    resolver_for = recording_resolvers({})
    ExecutableSchema(blog_schema, resolver_for)
    calls = resolver_for.calls
    assert len(calls) == len(set(calls))
    assert ("Query", "getPost") in calls
    assert ("Post", "title") in calls
    assert not any(type_name.startswith("__") for type_name, _ in calls)


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
    executable = ExecutableSchema(blog_schema, returning(post, ("Query", "getPost")))
    result = await executable.execute(f"{{ getPost(id: 1) {{ {selection} }} }}", None, None, None)
    assert result.errors is None
    assert result.data == {"getPost": {selection: expected}}


@pytest.mark.anyio
async def test_unknown_enum_result_is_a_serialization_error(write_sdl: Any) -> None:
    # graphql-java GraphQLEnumType.serialize: "Invalid input for Enum '%s'. Unknown value '%s'".
    schema = load_schema(write_sdl("enum Status { DRAFT PUBLISHED }\ntype Query { s: Status }"))
    executable = ExecutableSchema(schema, returning("ARCHIVED", ("Query", "s")))
    result = await executable.execute("{ s }", None, None, None)
    assert result.data == {"s": None}
    (error,) = result.errors or []
    assert error.message == (
        "Can't serialize value (/s) : Invalid input for Enum 'Status'. Unknown value 'ARCHIVED'"
    )
    executable = ExecutableSchema(schema, returning("DRAFT", ("Query", "s")))
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


def test_a_field_of_a_parent_that_is_not_a_map_is_null(write_sdl: WriteSdl) -> None:
    schema = load_schema(write_sdl("type Post { id: ID }\ntype Query { post: Post }"))
    resolution = FieldResolution(schema.graphql_schema, recording_resolvers({}), 0)

    def info_for(field_name: str) -> Any:
        # Only what the default resolution reads from graphql-core's GraphQLResolveInfo.
        return SimpleNamespace(
            parent_type=schema.graphql_schema.get_type("Post"), field_name=field_name
        )

    assert resolution.resolve({"id": "7"}, info_for("id")) == "7"
    assert resolution.resolve("not a map", info_for("id")) is None


@pytest.mark.parametrize(
    ("type_name", "value", "expected"),
    [("Int", "42", 42), ("Float", 2, 2.0), ("String", [1, True], "[1, true]"), ("ID", 7, "7")],
)
def test_builtin_leaves_complete_as_graphql_java_serializes(
    type_name: str, value: Any, expected: Any
) -> None:
    leaf = specified_scalar_types[type_name]
    assert complete_leaf(leaf, value) == expected


def test_an_enum_leaf_the_schema_does_not_know_is_a_coercion_error() -> None:
    # graphql-java GraphQLEnumType.serialize: "Invalid input for Enum '%s'. Unknown value '%s'".
    status = GraphQLEnumType("Status", {"DRAFT": "DRAFT"})
    assert complete_leaf(status, "DRAFT") == "DRAFT"
    with pytest.raises(CoercionError) as raised:
        complete_leaf(status, "ARCHIVED")
    assert raised.value.detail == "Invalid input for Enum 'Status'. Unknown value 'ARCHIVED'"
