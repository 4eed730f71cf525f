"""The document cache: each query text parsed and validated once, syntax errors as AppSync
reports them."""

import pytest

from schema.documents import DocumentCache, prepare_document
from schema.errors import QuerySyntaxError
from schema.executable import ExecutableSchema
from schema.limits import NoIntrospectionRule
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


def test_a_document_lists_which_of_its_operations_run_plain(blog_schema: AppSyncSchema) -> None:
    text = "query A { listPosts { id } } query B { listPosts { id @include(if: true) } }"
    prepared = prepare_document(blog_schema.graphql_schema, text, ())
    assert prepared.errors == ()
    a, b = prepared.operation("A"), prepared.operation("B")
    assert a is not None
    assert b is not None
    assert prepared.plain == (a,)


def test_an_operation_is_chosen_by_name_or_as_the_only_one(blog_schema: AppSyncSchema) -> None:
    graphql_schema = blog_schema.graphql_schema
    two = prepare_document(
        graphql_schema, "query A { listPosts { id } } query B { x: listPosts { id } }", ()
    )
    assert two.operation(None) is None
    assert two.operation("C") is None
    b = two.operation("B")
    assert b is not None
    assert b.name is not None
    assert b.name.value == "B"
    one = prepare_document(graphql_schema, "{ listPosts { id } }", ())
    assert one.operation(None) is one.operations[None]


def test_an_invalid_document_keeps_its_errors_and_no_document(blog_schema: AppSyncSchema) -> None:
    prepared = prepare_document(blog_schema.graphql_schema, "{ badfield }", ())
    assert prepared.document is None
    assert [error.message for error in prepared.errors] == [
        "Validation error of type FieldUndefined: Field 'badfield' in type 'Query' is undefined "
        "@ 'badfield'"
    ]


def test_the_extra_rules_apply(blog_schema: AppSyncSchema) -> None:
    cache = DocumentCache(blog_schema.graphql_schema, (NoIntrospectionRule,))
    prepared = cache.prepare("{ __schema { queryType { name } } }")
    assert prepared.document is None
    assert len(prepared.errors) == 1
    assert cache.prepare("{ __typename }").errors == ()
