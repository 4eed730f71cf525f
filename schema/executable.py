"""The executable schema: an AppSync schema with its resolvers, executing operations as AppSync
does, with AppSync's errors.

Requests go through graphql-core's `Executor` (or, for plain operations, schema/plain_executor.py)
with the document parsed and validated once per query text (schema/documents.py), because the
per-request cost of Strawberry's pipeline (an ExecutionContext, extension runners and a
middleware manager per request, and graphql-js wording in its errors) kept a one-field query far
below the server's target of 0.4x a fixed Starlette route. Measured on the project machine for
`{ hello }` with a synchronous resolver: 21 us per operation through graphql-core with our cached
document, 72 us through `strawberry.Schema.execute` with its ParserCache and ValidationCache
extensions (3.4x). (Strawberry serves the console's own API instead: appsync/console/.)

Calls go one way: this module calls the document cache, variable coercion and both executors;
the executors call only what it hands them from schema/resolution.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from inspect import isawaitable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    Executor,
    GraphQLError,
    GraphQLNonNull,
)
from graphql.validation import ASTValidationRule

from schema.documents import DOCUMENT_CACHE_BYTES, DocumentCache, PreparedDocument
from schema.errors import CoercionError
from schema.limits import NoIntrospectionRule
from schema.loader import AppSyncSchema
from schema.plain_executor import execute_plain
from schema.resolution import FieldResolution, FieldResolver, complete_leaf
from schema.variables import coerce_variables

_NON_NULL_RE = re.compile(r"Cannot return null for non-nullable field (\w+)\.(\w+)\.")


class AppSyncExecutor(Executor[Any]):
    """graphql-core's executor with graphql-java's result coercion for the GraphQL scalars and
    graphql-java's words for an enum value the schema does not know."""

    complete_leaf_value = staticmethod(complete_leaf)


def java_path(path: list[str | int]) -> str:
    """graphql-java's result path: `/syncOrders/items[32]/orderDate`."""
    return "".join(f"[{step}]" if isinstance(step, int) else f"/{step}" for step in path)


class ExecutableSchema:
    """An AppSync schema with its resolvers, ready to execute operations as AppSync does.

    `resolver_for(type_name, field_name)` is called once per object field at build time; None
    means AppSync's default: the value under the field's name in the parent map.
    """

    def __init__(
        self,
        schema: AppSyncSchema,
        resolver_for: Callable[[str, str], FieldResolver | None],
        *,
        query_depth_limit: int = 0,
        introspection: bool = True,
        document_cache_bytes: int = DOCUMENT_CACHE_BYTES,
    ) -> None:
        self.schema = schema
        self._graphql_schema = schema.graphql_schema
        self._resolve_field = FieldResolution(
            schema.graphql_schema, resolver_for, query_depth_limit
        ).resolve
        extra_rules: tuple[type[ASTValidationRule], ...] = (
            () if introspection else (NoIntrospectionRule,)
        )
        self.documents = DocumentCache(schema.graphql_schema, extra_rules, document_cache_bytes)

    async def prepare(self, query: str) -> PreparedDocument:
        """The parse and validation of a query text: cached, else done in a worker thread."""
        prepared = self.documents.get(query)
        if prepared is None:
            prepared = await self.documents.prepare(query)
        return prepared

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        *,
        root_value: Any = None,
    ) -> ExecutionResult:
        """Run one operation. Validation and variable errors come back with `data` None and
        AppSync's wording; field errors keep `original_error` for the server to render."""
        return await self.execute_prepared(
            await self.prepare(query), variables, operation_name, context, root_value=root_value
        )

    async def execute_prepared(
        self,
        prepared: PreparedDocument,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        *,
        root_value: Any = None,
    ) -> ExecutionResult:
        """`execute` for a document `prepare` returned."""
        document = prepared.document
        if document is None:
            return ExecutionResult(None, list(prepared.errors))
        if not isinstance(variables, dict):
            # JSON `null`, or a body whose `variables` is not an object: no variables given.
            variables = None
        result = await self._run(document, prepared, root_value, context, variables, operation_name)
        errors = result.errors
        if not errors:
            return result
        if result.data is None and all(error.path is None for error in errors):
            # A request error: graphql-core refused the variables (or the operation name).
            operation = prepared.operation(operation_name)
            if operation is None:
                return result
            coerced = coerce_variables(
                self._graphql_schema, operation.variable_definitions or (), variables or {}
            )
            if isinstance(coerced, GraphQLError):
                return ExecutionResult(None, [coerced])
            if coerced == (variables or {}):
                return result
            # graphql-java accepts what graphql-core refused (`"42"` for an Int): run again
            # with the values graphql-java would have passed on.
            result = await self._run(
                document, prepared, root_value, context, coerced, operation_name
            )
            if not result.errors or result.data is None:
                return result
        return ExecutionResult(result.data, [self._field_error(e) for e in result.errors or []])

    async def _run(
        self,
        document: DocumentNode,
        prepared: PreparedDocument,
        root_value: Any,
        context: Any,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> ExecutionResult:
        operation = prepared.operation(operation_name)
        if operation is not None and any(operation is plain for plain in prepared.plain):
            plain = await execute_plain(
                self._graphql_schema,
                operation,
                prepared.fragments,
                root_value,
                context,
                variables,
                self._resolve_field,
                complete_leaf,
                prepared.collected,
                prepared.literal_arguments,
            )
            if plain is not None:
                return plain
        executor = AppSyncExecutor.build(
            self._graphql_schema,
            document,
            root_value,
            context,
            variables,
            operation_name,
            self._resolve_field,
        )
        if isinstance(executor, list):
            return ExecutionResult(None, executor)
        # graphql-core's plain executor, not its incremental one: AppSync serves neither @defer
        # nor @stream, and the incremental machinery cost a fifth of a one-field query.
        result = executor.execute_operation()
        if isawaitable(result):
            result = await result
        if not isinstance(result, ExecutionResult):
            raise TypeError("the plain executor returned incremental results")
        return result

    def _field_error(self, error: GraphQLError) -> GraphQLError:
        path = list(error.path or [])
        original = error.original_error
        if isinstance(original, CoercionError) and path:
            message = f"Can't serialize value ({java_path(path)}) : {original.detail}"
        else:
            match = _NON_NULL_RE.fullmatch(error.message)
            if match is None:
                return error
            parent, field_name = match.groups()
            parent_type = self._graphql_schema.type_map.get(parent)
            field_type: Any = getattr(parent_type, "fields", {}).get(field_name)
            inner = field_type.type if field_type is not None else None
            if isinstance(inner, GraphQLNonNull):
                inner = inner.of_type
            # aws-amplify/amplify-cli#6450: `Cannot return null for non-nullable type: 'String'
            # within parent 'Form' (/onCreateForm/name)`.
            message = (
                f"Cannot return null for non-nullable type: '{inner}' within parent "
                f"'{parent}' ({java_path(path)})"
            )
        # graphql-java's SerializationError and NonNullableFieldWasNullError carry no locations:
        # AppSync answers `"locations": null` for both (aws-amplify/amplify-js#5963,
        # graphql-compose/graphql-compose#121, aws-amplify/amplify-flutter#2137).
        return GraphQLError(
            message,
            None,
            path=error.path,
            original_error=original,
            extensions=error.extensions,
        )
