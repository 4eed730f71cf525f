"""The document cache: each query text parsed and validated once (in a worker thread), kept
within a budget in bytes, shared while in use; syntax errors and parser limits as AppSync's
graphql-java reports them."""

import asyncio
import gc
import sys
import threading
import tracemalloc
from typing import Any, ClassVar

import pytest
from graphql import DocumentNode, ValidationContext
from graphql.validation import ValidationRule

from schema.documents import (
    MAX_QUERY_TOKENS,
    DocumentCache,
    PreparedDocument,
    prepare_document,
)
from schema.errors import QuerySyntaxError
from schema.executable import ExecutableSchema
from schema.limits import NoIntrospectionRule
from schema.loader import AppSyncSchema
from tests.unit.schema.executing import recording_resolvers


@pytest.mark.anyio
async def test_parse_and_validation_are_cached_by_query_text(blog_schema: AppSyncSchema) -> None:
    executable = ExecutableSchema(blog_schema, recording_resolvers({}))
    query = "{ listPosts { id } }"
    assert await executable.prepare(query) is await executable.prepare(query)


class _ThreadRecordingRule(ValidationRule):
    """Records the thread each document is validated on."""

    threads: ClassVar[list[int]] = []

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.threads.append(threading.get_ident())


@pytest.mark.anyio
async def test_a_document_is_parsed_and_validated_off_the_event_loop(
    blog_schema: AppSyncSchema,
) -> None:
    """Validation is quadratic in places (graphql-core's OverlappingFieldsCanBeMerged): on the
    loop, one large document would stall every other client."""
    cache = DocumentCache(blog_schema.graphql_schema, (_ThreadRecordingRule,))
    _ThreadRecordingRule.threads.clear()
    await cache.prepare("{ listPosts { id } }")
    assert _ThreadRecordingRule.threads
    assert threading.get_ident() not in _ThreadRecordingRule.threads


def _distinct_queries(count: int) -> list[str]:
    return [f'{{ getPost(id: "{index}") {{ id title body }} }}' for index in range(count)]


@pytest.mark.anyio
async def test_the_cache_keeps_recent_documents_within_its_bytes(
    blog_schema: AppSyncSchema,
) -> None:
    queries = _distinct_queries(40)
    one = prepare_document(blog_schema.graphql_schema, queries[0], ())
    # Room for about ten such documents.
    cache = DocumentCache(blog_schema.graphql_schema, (), max_bytes=one.size * 10)
    for query in queries:
        await cache.prepare(query)
    gc.collect()
    assert cache.size <= one.size * 10
    assert 8 <= len(cache) <= 10
    # The most recent are the ones kept; the first were evicted.
    assert cache.get(queries[-1]) is not None
    assert cache.get(queries[0]) is None


@pytest.mark.anyio
async def test_a_recent_document_used_again_is_kept_over_older_ones(
    blog_schema: AppSyncSchema,
) -> None:
    queries = _distinct_queries(12)
    one = prepare_document(blog_schema.graphql_schema, queries[0], ())
    cache = DocumentCache(blog_schema.graphql_schema, (), max_bytes=one.size * 10)
    for query in queries[:10]:
        await cache.prepare(query)
    assert cache.get(queries[0]) is not None  # used again: now the most recent
    for query in queries[10:]:
        await cache.prepare(query)
    gc.collect()
    assert cache.get(queries[0]) is not None
    assert cache.get(queries[1]) is None


@pytest.mark.anyio
async def test_a_document_in_use_is_shared_and_freed_with_its_last_user(
    blog_schema: AppSyncSchema,
) -> None:
    """What a live subscription holds: the realtime side keeps no recent documents."""
    cache = DocumentCache(blog_schema.graphql_schema, (), max_bytes=0)
    held = await cache.prepare("subscription { onCreatePost { id } }")
    again = await cache.prepare("subscription { onCreatePost { id } }")
    assert again is held
    assert cache.size == 0
    assert len(cache) == 1
    del held, again
    await asyncio.sleep(0)  # the loop lets go of the worker thread's finished future
    gc.collect()
    assert len(cache) == 0
    assert cache.get("subscription { onCreatePost { id } }") is None


# Allocations that outlive a call but belong to no document: CPython's attribute-lookup cache
# keeps the method names graphql-core's visitors build per lookup (`f"enter_{kind}"`).
_NOT_RETAINED_BY_DOCUMENTS = (
    tracemalloc.Filter(False, "*/graphql/language/visitor.py"),
    tracemalloc.Filter(False, "*/graphql/utilities/type_info.py"),
)


def _retained(make: Any) -> tuple[int, Any]:
    """Bytes still allocated, by tracemalloc, after `make()` returned what it keeps (once
    graphql-core's own caches, filled by a first call, are in place)."""
    make()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot().filter_traces(_NOT_RETAINED_BY_DOCUMENTS)
        kept = make()
        gc.collect()
        after = tracemalloc.take_snapshot().filter_traces(_NOT_RETAINED_BY_DOCUMENTS)
    finally:
        tracemalloc.stop()
    return sum(stat.size_diff for stat in after.compare_to(before, "filename")), kept


DENSE = "{ " + " ".join(f"p{n}: listPosts {{ id title body }}" for n in range(60)) + " }"
ARGUMENTS = "{ " + " ".join(f'p{n}: getPost(id: "{n}") {{ id }}' for n in range(60)) + " }"
FRAGMENTS = "{ listPosts { ...A ...B ...C } }\n" + "\n".join(
    f"fragment {name} on Post {{ id title author {{ name }} }}" for name in "ABC"
)
COMMENTS = "{ listPosts { id } }\n" + "# a comment\n" * 500
LONG_STRING = '{ getPost(id: "' + "x" * 20_000 + '") { id } }'
INVALID = "{ " + " ".join(f"bad{n}" for n in range(80)) + " }"


@pytest.mark.parametrize(
    "query", [DENSE, ARGUMENTS, FRAGMENTS, COMMENTS, LONG_STRING, INVALID], ids=str.__len__
)
def test_a_documents_counted_size_bounds_what_it_retains(
    blog_schema: AppSyncSchema, query: str
) -> None:
    """The cache's budget is honest: the documents' `size` is at least what tracemalloc sees
    them keep, and not wildly more. Five of a shape (differing in their operation's name) are
    measured together, so the allocator's own rounding does not count."""
    variants = [query.replace("{", f"query Q{n} {{", 1) for n in range(5)]
    retained, kept = _retained(
        lambda: [prepare_document(blog_schema.graphql_schema, text, ()) for text in variants]
    )
    assert all(isinstance(prepared, PreparedDocument) for prepared in kept)
    # The texts were allocated before; the documents keep them alive all the same.
    kept_bytes = retained + sum(map(sys.getsizeof, variants))
    size = sum(prepared.size for prepared in kept)
    assert kept_bytes <= size <= 3 * kept_bytes


def test_an_invalid_document_keeps_its_errors_but_not_its_nodes(
    blog_schema: AppSyncSchema,
) -> None:
    prepared = prepare_document(blog_schema.graphql_schema, "{ badfield }", ())
    (error,) = prepared.errors
    assert error.nodes is None
    assert [(location.line, location.column) for location in error.locations or []] == [(1, 3)]
    assert prepared.operations == {}


def test_a_document_past_graphql_javas_token_limit_does_not_parse(
    blog_schema: AppSyncSchema,
) -> None:
    """graphql-java's ParserOptions.MAX_QUERY_TOKENS (15,000): a longer document is a syntax
    error, as AppSync's parser cancels it."""
    # Three tokens a field (`a1: id`), and seven around them.
    fields = " ".join(f"a{n}: id" for n in range((MAX_QUERY_TOKENS - 7) // 3))
    fits = prepare_document(blog_schema.graphql_schema, "{ listPosts { " + fields + " } }", ())
    assert fits.errors == ()
    over = prepare_document(
        blog_schema.graphql_schema, "{ listPosts { " + fields + " b: id c: id } }", ()
    )
    (error,) = over.errors
    assert isinstance(error.original_error, QuerySyntaxError)


def test_nested_fragments_spread_twice_are_checked_once_each(
    blog_schema: AppSyncSchema,
) -> None:
    """60 fragments, each spreading the next twice: walked spread by spread, 2^60 visits."""
    depth = 60
    fragments = "\n".join(
        f"fragment F{n} on Post {{ ... on Post {{ ...F{n + 1} }} ...F{n + 1} }}"
        for n in range(depth)
    )
    query = f"{{ listPosts {{ ...F0 }} }}\n{fragments}\nfragment F{depth} on Post {{ id }}"
    prepared = prepare_document(blog_schema.graphql_schema, query, ())
    assert prepared.errors == ()
    assert len(prepared.plain) == 1
    assert isinstance(prepared.document, DocumentNode)


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


@pytest.mark.anyio
async def test_the_extra_rules_apply(blog_schema: AppSyncSchema) -> None:
    cache = DocumentCache(blog_schema.graphql_schema, (NoIntrospectionRule,))
    prepared = await cache.prepare("{ __schema { queryType { name } } }")
    assert prepared.document is None
    assert len(prepared.errors) == 1
    assert (await cache.prepare("{ __typename }")).errors == ()
