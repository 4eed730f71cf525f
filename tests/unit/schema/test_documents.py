"""The document cache: each query text parsed and validated once, syntax errors as AppSync
reports them."""

import pytest

from schema.errors import QuerySyntaxError
from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema
from tests.unit.schema.executing import recording_resolvers


def test_parse_and_validation_are_cached_by_query_text(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    query = "{ listPosts { id } }"
    assert executable.prepare(query) is executable.prepare(query)


@pytest.mark.anyio
async def test_a_query_that_does_not_parse_is_a_syntax_error(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    result = await executable.execute("{ listPosts { id ", None, None, None)
    assert result.data is None
    (error,) = result.errors or []
    assert isinstance(error.original_error, QuerySyntaxError)
    # graphql/graphql-over-http#81: AppSync answers "Unable to parse GraphQL query."
    assert error.message == "Unable to parse GraphQL query."


@pytest.mark.anyio
async def test_absurdly_nested_query_is_refused_without_crashing(
    blog_schema: AppSyncSchema,
) -> None:
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    query = "{ listPosts " + "{ id " * 5000 + "}" * 5000 + " }"
    result = await executable.execute(query, None, None, None)
    assert result.data is None
    (error,) = result.errors or []
    assert isinstance(error.original_error, QuerySyntaxError)


@pytest.mark.anyio
async def test_an_empty_selection_set_does_not_parse(blog_schema: AppSyncSchema) -> None:
    # graphql-java's grammar requires a selection in braces; graphql-core would accept `{ }`.
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    result = await executable.execute("{ listPosts { } }", None, None, None)
    (error,) = result.errors or []
    assert isinstance(error.original_error, QuerySyntaxError)
