"""The parsed-and-validated document cache: each query text parsed and validated once.

A `PreparedDocument` holds the document or the errors AppSync reports for it (a syntax error, or
the validation errors in graphql-java's words), its operations by name, and which of them the
plain executor runs (schema/plain_executor.py). `DocumentCache` keeps the last
`DOCUMENT_CACHE_SIZE` query texts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
)
from graphql.validation import ASTValidationRule

from schema.errors import QuerySyntaxError
from schema.messages import validate_document
from schema.plain_executor import is_plain

DOCUMENT_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A query text parsed and validated once: the document, or the errors AppSync reports."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    operations: Mapping[str | None, OperationDefinitionNode]
    # The operations `schema.plain_executor` runs (of a valid document). A tuple, compared by
    # identity: an AST node's hash walks the whole tree.
    plain: tuple[OperationDefinitionNode, ...] = ()
    fragments: dict[str, FragmentDefinitionNode] = field(default_factory=dict)

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
    try:
        # graphql-java's grammar has no empty selection set; graphql-core allows one.
        document = parse(query, allow_empty_selection_sets=False)
    except GraphQLSyntaxError as error:
        syntax = QuerySyntaxError(error.message)
        return PreparedDocument(None, (GraphQLError(str(syntax), original_error=syntax),), {})
    operations = {
        (d.name.value if d.name else None): d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }
    errors = validate_document(schema, document, extra_rules)
    if errors:
        return PreparedDocument(None, tuple(errors), operations)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    plain = tuple(
        operation for operation in operations.values() if is_plain(schema, operation, fragments)
    )
    return PreparedDocument(document, (), operations, plain, fragments)


class DocumentCache:
    """`prepare_document` for one schema and rule set, kept for the last query texts."""

    __slots__ = ("_extra_rules", "_schema", "prepare")

    def __init__(
        self, schema: GraphQLSchema, extra_rules: tuple[type[ASTValidationRule], ...]
    ) -> None:
        self._schema = schema
        self._extra_rules = extra_rules
        self.prepare: Callable[[str], PreparedDocument] = lru_cache(maxsize=DOCUMENT_CACHE_SIZE)(
            self._prepare
        )

    def _prepare(self, query: str) -> PreparedDocument:
        return prepare_document(self._schema, query, self._extra_rules)
