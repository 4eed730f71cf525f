"""The parsed-and-validated document cache: each query text parsed and validated once.

A `PreparedDocument` holds the document or the errors AppSync reports for it (a syntax error, or
the validation errors in graphql-java's words), its operations by name, which of them the plain
executor runs (schema/plain_executor.py), and what that executor collects from it.

Parsing stops where graphql-java's parser stops (`ParserOptions`, graphql-java 18 and later:
15,000 grammar tokens, "to prevent a billion laughs style attacks"; since 19 also 200,000
whitespace tokens, of which comments are the ones graphql-core keeps, and 1 MB of characters);
past them a document is a syntax error, as it is there. So every document's parse and
validation is bounded, but graphql-core's validation is still quadratic in places
(OverlappingFieldsCanBeMerged compares the fields of a selection pairwise; variable and fragment
rules walk every fragment once per operation): a 15,000-token document can take seconds. So
`DocumentCache.prepare` parses and validates in a worker thread, never on the event loop.

`DocumentCache` keeps recent documents within a budget in bytes, counted from each document's
text and tokens (its AST and locations; the token chain graphql-core links every location to is
let go once the document is validated), and shares a document that is in use (a running
request, a live subscription) by its text however old it is: such a document is freed with its
last user, not held by the cache.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakValueDictionary

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    Node,
    OperationDefinitionNode,
    Source,
    TokenKind,
    parse,
)
from graphql.validation import ASTValidationRule

from schema.errors import QuerySyntaxError
from schema.messages import validate_document
from schema.plain_executor import CollectedFields, LiteralArguments, plain_operations

# graphql-java's ParserOptions.MAX_QUERY_TOKENS, MAX_WHITESPACE_TOKENS, MAX_QUERY_CHARACTERS.
MAX_QUERY_TOKENS = 15_000
MAX_QUERY_COMMENTS = 200_000
MAX_QUERY_CHARACTERS = 1024 * 1024

DOCUMENT_CACHE_BYTES = 32 * 1024 * 1024
# A document larger than this share of the budget is not kept once unused: it would push out
# many others, and a text that large is rarely sent twice.
_LARGEST_SHARE = 8

# What a prepared document retains, by tracemalloc (tests/unit/schema/test_documents.py checks
# these bound it): per token of the text, its share of the AST nodes and their locations (the
# tokens themselves are let go, `_release_tokens`); per character, the text and, inside a string
# literal, the node's copy of it; per error
# of an invalid document, the error and its location.
TOKEN_BYTES = 320
CHARACTER_BYTES = 2
ERROR_BYTES = 1024
DOCUMENT_BYTES = 2048


@dataclass(frozen=True, slots=True, weakref_slot=True)
class PreparedDocument:
    """A query text parsed and validated once: the document, or the errors AppSync reports."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    operations: Mapping[str | None, OperationDefinitionNode]
    # The operations `schema.plain_executor` runs (of a valid document). A tuple, compared by
    # identity: an AST node's hash walks the whole tree.
    plain: tuple[OperationDefinitionNode, ...] = ()
    fragments: dict[str, FragmentDefinitionNode] = field(default_factory=dict)
    # The plain executor's fields per selection set, filled as operations run: they depend on
    # nothing but this document's nodes, so they live and die with it.
    collected: CollectedFields = field(default_factory=dict)
    # Its arguments written as literals, coerced once (`schema.plain_executor`), likewise.
    literal_arguments: LiteralArguments = field(default_factory=dict)
    # Values the server derives from this document's nodes, by node identity (a field's
    # `selectionSetList` for its resolvers): kept as long as the document, no longer.
    derived: dict[int, Any] = field(default_factory=dict)
    # Bytes this document retains (an estimate that bounds what tracemalloc measures).
    size: int = 0

    def operation(self, operation_name: str | None) -> OperationDefinitionNode | None:
        if operation_name:
            return self.operations.get(operation_name)
        if len(self.operations) == 1:
            return next(iter(self.operations.values()))
        return None


def prepare_document(
    schema: GraphQLSchema, query: str, extra_rules: tuple[type[ASTValidationRule], ...]
) -> PreparedDocument:
    """`query` parsed and validated against `schema` with AppSync's rules and `extra_rules`."""
    source = Source(query)
    try:
        # graphql-java's grammar has no empty selection set; graphql-core allows one.
        document = parse(
            source,
            allow_empty_selection_sets=False,
            max_lexical_tokens=MAX_QUERY_TOKENS,
            max_comments=MAX_QUERY_COMMENTS,
            max_source_length=MAX_QUERY_CHARACTERS,
        )
    except GraphQLSyntaxError as error:
        syntax = QuerySyntaxError(error.message)
        failed = GraphQLError(str(syntax), original_error=syntax)
        return PreparedDocument(None, (failed,), {}, size=_invalid_size(query, 1))
    errors = validate_document(schema, document, extra_rules)
    if errors:
        # Kept without their nodes: a node's location links the document's every token.
        detached = tuple(_detached(error, source) for error in errors)
        return PreparedDocument(None, detached, {}, size=_invalid_size(query, len(detached)))
    operations = {
        (d.name.value if d.name else None): d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    plain = plain_operations(schema, tuple(operations.values()), fragments)
    size = DOCUMENT_BYTES + len(query) * CHARACTER_BYTES + _tokens(document) * TOKEN_BYTES
    _release_tokens(document)
    return PreparedDocument(document, (), operations, plain, fragments, size=size)


def _detached(error: GraphQLError, source: Source) -> GraphQLError:
    return GraphQLError(
        error.message,
        source=source if error.positions else None,
        positions=error.positions,
        original_error=error.original_error,
        extensions=error.extensions,
    )


def _invalid_size(query: str, errors: int) -> int:
    return DOCUMENT_BYTES + len(query) * CHARACTER_BYTES + errors * ERROR_BYTES


def _tokens(document: DocumentNode) -> int:
    """The tokens of the document's text that nodes stand for (comments, which none does,
    left out)."""
    count = 0
    token = document.loc.start_token if document.loc is not None else None
    while token is not None:
        if token.kind is not TokenKind.COMMENT:
            count += 1
        token = token.next
    return count


def _release_tokens(document: DocumentNode) -> None:
    """graphql-core links every token of a document to the next and the previous, and each
    node's location to its first and last token, so the whole chain (a reference cycle, freed
    only by the cyclic collector) lives as long as any node. Once the document is validated
    nothing reads a token: an error's place is its location's `start` and `source`. So every
    location lets go of its tokens: the document keeps a third less, and it is freed as soon as
    its last user lets go of it."""
    stack: list[Node] = [document]
    while stack:
        node = stack.pop()
        location = node.loc
        if location is not None:
            location.start_token = location.end_token = None  # type: ignore[assignment]
        for key in node.keys:
            value = getattr(node, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(item for item in value if isinstance(item, Node))


class DocumentCache:
    """`prepare_document` for one schema and rule set: recent documents kept within `max_bytes`
    (0 keeps none once unused), documents in use shared by their text."""

    __slots__ = ("_extra_rules", "_in_use", "_max_bytes", "_recent", "_schema", "_size")

    def __init__(
        self,
        schema: GraphQLSchema,
        extra_rules: tuple[type[ASTValidationRule], ...],
        max_bytes: int = DOCUMENT_CACHE_BYTES,
    ) -> None:
        self._schema = schema
        self._extra_rules = extra_rules
        self._max_bytes = max_bytes
        self._recent: OrderedDict[str, PreparedDocument] = OrderedDict()
        self._in_use: WeakValueDictionary[str, PreparedDocument] = WeakValueDictionary()
        self._size = 0

    @property
    def size(self) -> int:
        """Bytes the recent documents retain (documents in use are their users')."""
        return self._size

    def __len__(self) -> int:
        """Documents the cache can return without preparing: recent ones and ones in use."""
        return len(self._recent.keys() | self._in_use.keys())

    def get(self, query: str) -> PreparedDocument | None:
        """The prepared document of `query` when it is recent or in use."""
        prepared = self._recent.get(query)
        if prepared is not None:
            self._recent.move_to_end(query)
            return prepared
        return self._in_use.get(query)

    async def prepare(self, query: str) -> PreparedDocument:
        """The prepared document of `query`, parsed and validated in a worker thread unless
        the cache has it."""
        prepared = self.get(query)
        if prepared is None:
            prepared = await asyncio.to_thread(
                prepare_document, self._schema, query, self._extra_rules
            )
            self._keep(query, prepared)
        return prepared

    def _keep(self, query: str, prepared: PreparedDocument) -> None:
        self._in_use[query] = prepared
        if prepared.size * _LARGEST_SHARE > self._max_bytes:
            return
        replaced = self._recent.pop(query, None)
        if replaced is not None:
            self._size -= replaced.size
        self._recent[query] = prepared
        self._size += prepared.size
        while self._size > self._max_bytes:
            _, evicted = self._recent.popitem(last=False)
            self._size -= evicted.size
