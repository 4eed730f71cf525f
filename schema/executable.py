"""The executable schema: resolvers attached, documents cached, AppSync's errors. The only module
that imports strawberry.

The SDL is built with graphql-core and wrapped as a `strawberry.Schema` (DESIGN.md, "graphql-core
under Strawberry"): Strawberry's schema object holds our graphql-core schema as `_schema`, which
its execution pipeline runs. Requests themselves go through graphql-core's `execute` with the
document parsed and validated once per query text, because the per-request cost of Strawberry's
pipeline (an ExecutionContext, extension runners and a middleware manager per request, and
graphql-js wording in its errors) kept a one-field query far below the server's target of 0.4x a
fixed Starlette route. Measured on the project machine for `{ hello }` with a synchronous
resolver: 21 us per operation through graphql-core with our cached document, 72 us through
`strawberry.Schema.execute` with its ParserCache and ValidationCache extensions (3.4x).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    ExecutionResult,
    Executor,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    VariableDefinitionNode,
    VariableNode,
    is_input_type,
    parse,
    specified_scalar_types,
    type_from_ast,
)
from graphql.pyutils import Undefined
from graphql.validation import ASTValidationRule

from schema.errors import CoercionError, SchemaError
from schema.errors import QuerySyntaxError as QuerySyntaxError
from schema.limits import NoIntrospectionRule, check_depth
from schema.loader import AppSyncSchema
from schema.messages import validate_document
from schema.plain_executor import execute_plain, is_plain
from schema.scalars import AWS_SCALARS, java_string, java_type_name, serialize_builtin

FieldResolver = Callable[[Any, GraphQLResolveInfo[Any], dict[str, Any]], Any]
"""A field's resolver: (source, info, arguments) -> value or awaitable. Called per resolution."""

DOCUMENT_CACHE_SIZE = 1024

_NON_NULL_RE = re.compile(r"Cannot return null for non-nullable field (\w+)\.(\w+)\.")


# Variable coercion in AppSync's words: graphql-java stops at the first bad value and AppSync
# reports that one (schema/messages.py words the validation errors).


class _VariableCoercionError(SchemaError):
    """The first variable value graphql-java would refuse; `message` is AppSync's text."""

    def __init__(self, message: str) -> None:
        super().__init__((), message)
        self.message = message


def _null_problem(variable: str, type_: GraphQLInputType) -> _VariableCoercionError:
    # AppSync names the outermost variable but the innermost type (aws-appsync-community#406).
    return _VariableCoercionError(
        f"Variable '{variable}' has coerced Null value for NonNull type '{type_}'"
    )


def _invalid(name: str, detail: str) -> _VariableCoercionError:
    # AppSync names the innermost input field (aws-amplify/amplify-flutter#822: 'phone').
    return _VariableCoercionError(f"Variable '{name}' has an invalid value. {detail}")


def _coerce(value: Any, type_: GraphQLInputType, variable: str, name: str) -> Any:
    """One input value as graphql-java coerces it (`"42"` is an Int), or _VariableCoercionError."""
    if isinstance(type_, GraphQLNonNull):
        if value is None:
            raise _null_problem(variable, type_)
        return _coerce(value, type_.of_type, variable, name)
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        return [_coerce(item, type_.of_type, variable, name) for item in items]
    if isinstance(type_, GraphQLInputObjectType):
        return _coerce_object(value, type_, variable, name)
    if isinstance(type_, GraphQLEnumType):
        if not isinstance(value, str) or value not in type_.values:
            raise _invalid(
                name,
                f"Invalid input for Enum '{type_.name}'. No value found for name '{value}'",
            )
        return value
    if isinstance(type_, GraphQLScalarType):
        if type_.name in AWS_SCALARS:
            try:
                AWS_SCALARS[type_.name].parse_value(value)
            except CoercionError as error:
                raise _invalid(name, error.detail) from None
            return value
        if specified_scalar_types.get(type_.name) is type_:
            # graphql-java's parseValue shares its serializer's conversions.
            try:
                return serialize_builtin(type_.name, value)
            except CoercionError as error:
                raise _invalid(name, error.detail) from None
    return value


def _coerce_object(
    value: Any, type_: GraphQLInputObjectType, variable: str, name: str
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(
            name,
            f"Expected type 'Map' but was '{java_type_name(value)}'. "
            "Variables for input objects must be an instance of type 'Map'.",
        )
    for key in value:
        if key not in type_.fields:
            raise _VariableCoercionError(
                f"The variables input contains a field name '{key}' that is not defined "
                f"for input object type '{type_.name}' "
            )
    coerced: dict[str, Any] = {}
    for key, input_field in type_.fields.items():
        if key in value:
            coerced[key] = _coerce(value[key], input_field.type, variable, key)
        elif (
            isinstance(input_field.type, GraphQLNonNull) and input_field.default_value is Undefined
        ):
            raise _null_problem(variable, input_field.type)
    return coerced


def coerce_variables(
    schema: GraphQLSchema,
    variable_definitions: tuple[VariableDefinitionNode, ...],
    inputs: Mapping[str, Any],
) -> dict[str, Any] | GraphQLError:
    """The variables as graphql-java coerces them, or AppSync's error for the first one that
    does not coerce, located at its definition."""
    coerced = dict(inputs)
    for definition in variable_definitions:
        name = definition.variable.name.value
        type_ = type_from_ast(schema, definition.type)
        if not is_input_type(type_):
            continue
        try:
            if name in inputs:
                coerced[name] = _coerce(inputs[name], type_, name, name)
            elif definition.default_value is None and isinstance(type_, GraphQLNonNull):
                raise _null_problem(name, type_)
        except _VariableCoercionError as problem:
            return GraphQLError(problem.message, definition)
    return coerced


def appsync_arguments(info: GraphQLResolveInfo[Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments AppSync hands a resolver: only those the operation writes. A schema default
    is not applied (aws/aws-appsync-community#59) and an argument bound to a variable the request
    left out arrives as an explicit null (aws/aws-appsync-community#348)."""
    written = info.field_nodes[0].arguments
    if not written:
        return {}
    return {
        node.name.value: arguments.get(node.name.value)
        for node in written
        if node.name.value in arguments or isinstance(node.value, VariableNode)
    }


class AppSyncExecutor(Executor[Any]):
    """graphql-core's executor with graphql-java's result coercion for the GraphQL scalars and
    graphql-java's words for an enum value the schema does not know."""

    @staticmethod
    def complete_leaf_value(return_type: GraphQLLeafType, result: Any) -> Any:
        name = return_type.name
        if specified_scalar_types.get(name) is return_type:
            return serialize_builtin(name, result)
        if isinstance(return_type, GraphQLEnumType):
            try:
                return Executor.complete_leaf_value(return_type, result)
            except (GraphQLError, TypeError):
                # graphql-java GraphQLEnumType.serialize.
                detail = f"Invalid input for Enum '{name}'. Unknown value '{java_string(result)}'"
                raise CoercionError(detail) from None
        return Executor.complete_leaf_value(return_type, result)


@strawberry.type
class _Placeholder:
    """Strawberry builds a schema from a decorated class; ours replaces it at once."""

    placeholder: str = ""


def wrap_in_strawberry(graphql_schema: GraphQLSchema) -> strawberry.Schema:
    """A `strawberry.Schema` whose execution runs `graphql_schema`.

    This reaches into Strawberry 0.341.2's `Schema._schema`, the graphql-core schema its
    `execute` runs; tests/unit/schema/test_executable.py guards the seam.
    """
    wrapper = strawberry.Schema(query=_Placeholder)
    wrapper._schema = graphql_schema
    return wrapper


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
    ) -> None:
        self.schema = schema
        self._graphql_schema = schema.graphql_schema
        self.strawberry_schema = wrap_in_strawberry(schema.graphql_schema)
        resolvers: dict[str, dict[str, FieldResolver]] = {}
        for type_ in self._graphql_schema.type_map.values():
            if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
                continue
            for field_name in type_.fields:
                resolver = resolver_for(type_.name, field_name)
                if resolver is not None:
                    resolvers.setdefault(type_.name, {})[field_name] = resolver
        self._resolvers = resolvers
        self._depth_limit = query_depth_limit
        self._extra_rules: tuple[type[ASTValidationRule], ...] = (
            () if introspection else (NoIntrospectionRule,)
        )
        self._prepared = lru_cache(maxsize=DOCUMENT_CACHE_SIZE)(self._prepare)

    def _resolve_field(self, source: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        if self._depth_limit:
            check_depth(info.path, self._depth_limit)
        by_field = self._resolvers.get(info.parent_type.name)
        if by_field is not None:
            resolver = by_field.get(info.field_name)
            if resolver is not None:
                return resolver(source, info, appsync_arguments(info, arguments))
        if type(source) is dict or isinstance(source, Mapping):
            return source.get(info.field_name)
        return None

    def _prepare(self, query: str) -> PreparedDocument:
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
        errors = validate_document(self._graphql_schema, document, self._extra_rules)
        if errors:
            return PreparedDocument(None, tuple(errors), operations)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        plain = tuple(
            operation
            for operation in operations.values()
            if is_plain(self._graphql_schema, operation, fragments)
        )
        return PreparedDocument(document, (), operations, plain, fragments)

    def prepare(self, query: str) -> PreparedDocument:
        """The cached parse and validation of a query text."""
        return self._prepared(query)

    def operation_type(self, query: str, operation_name: str | None) -> str:
        """ "query", "mutation" or "subscription"; "query" when the document does not parse or
        names no such operation (executing it then reports the error)."""
        operation = self._prepared(query).operation(operation_name)
        return operation.operation.value if operation is not None else "query"

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
            self._prepared(query), variables, operation_name, context, root_value=root_value
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
                AppSyncExecutor.complete_leaf_value,
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
