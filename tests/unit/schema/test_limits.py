"""Query depth limit and disabled introspection ("Configuring GraphQL run complexity, query
depth, and introspection with AWS AppSync")."""

from typing import Any

import pytest
from graphql import GraphQLResolveInfo

from schema.errors import QueryDepthLimitError
from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema
from schema.resolution import FieldResolver


def _with_post(type_name: str, field_name: str) -> FieldResolver | None:
    if (type_name, field_name) != ("Query", "getPost"):
        return None

    def get_post(source: Any, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
        author = {"name": "Ann", "posts": [{"id": "2", "title": "t2"}]}
        return {"id": args["id"], "title": "t", "author": author}

    return get_post


@pytest.mark.anyio
async def test_fields_within_the_depth_limit_resolve(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, _with_post, query_depth_limit=3)
    result = await executable.execute("{ getPost(id: 1) { id author { name } } }", None, None, None)
    assert result.errors is None
    assert result.data == {"getPost": {"id": "1", "author": {"name": "Ann"}}}


@pytest.mark.anyio
async def test_fields_deeper_than_the_limit_are_field_errors(blog_schema: AppSyncSchema) -> None:
    # "This field will produce a limit error if the operation falls out of bounds. ... If a
    # non-nullable field produces an error, the error will be thrown upwards to the first
    # nullable field available." (queryDepthLimit, AppSync API reference)
    executable = ExecutableSchema(blog_schema, _with_post, query_depth_limit=2)
    result = await executable.execute(
        "{ getPost(id: 1) { id author { name posts { id } } } }", None, None, None
    )
    assert result.data is not None
    # `name: String!` at depth 3 fails; its null climbs to the nullable `author`.
    assert result.data == {"getPost": {"id": "1", "author": None}}
    errors = result.errors or []
    assert errors
    assert all(isinstance(error.original_error, QueryDepthLimitError) for error in errors)
    assert ["getPost", "author", "name"] in [error.path for error in errors]


@pytest.mark.anyio
async def test_list_indexes_do_not_count_as_depth(blog_schema: AppSyncSchema) -> None:
    def list_posts(type_name: str, field_name: str) -> FieldResolver | None:
        if (type_name, field_name) != ("Query", "listPosts"):
            return None
        return lambda source, info, args: [{"id": "1", "title": "a"}]

    executable = ExecutableSchema(blog_schema, list_posts, query_depth_limit=2)
    result = await executable.execute("{ listPosts { id title } }", None, None, None)
    assert result.errors is None
    assert result.data == {"listPosts": [{"id": "1", "title": "a"}]}


@pytest.mark.anyio
async def test_disabled_introspection_makes_schema_and_type_undefined(
    blog_schema: AppSyncSchema,
) -> None:
    # "When introspection is disabled, a client which uses an introspection query to view the
    # schema will receive validation errors on their query" (AWS blog, "Control GraphQL
    # execution complexity, query depth, and introspection with AWS AppSync").
    executable = ExecutableSchema(blog_schema, _with_post, introspection=False)
    result = await executable.execute("{ __schema { queryType { name } } }", None, None, None)
    assert result.data is None
    (error,) = result.errors or []
    assert error.message == (
        "Validation error of type FieldUndefined: Field '__schema' in type 'Query' "
        "is undefined @ '__schema'"
    )
    result = await executable.execute('{ __type(name: "Post") { name } }', None, None, None)
    assert result.data is None


@pytest.mark.anyio
async def test_typename_stays_available_without_introspection(
    blog_schema: AppSyncSchema,
) -> None:
    executable = ExecutableSchema(blog_schema, _with_post, introspection=False)
    result = await executable.execute("{ getPost(id: 1) { __typename id } }", None, None, None)
    assert result.errors is None
    assert result.data == {"getPost": {"__typename": "Post", "id": "1"}}


@pytest.mark.anyio
async def test_introspection_is_on_by_default(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, _with_post)
    result = await executable.execute("{ __schema { queryType { name } } }", None, None, None)
    assert result.errors is None
    assert result.data == {"__schema": {"queryType": {"name": "Query"}}}
