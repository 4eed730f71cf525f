"""Execution of plain operations, the common case, without graphql-core's executor.

A plain operation is a query or mutation without directives, without introspection beyond
`__typename` and without interface or union types: fields, aliases, arguments, variables, inline
fragments and fragment spreads. Most operations clients send are plain; anything else runs on
graphql-core's executor (schema/executable.py). Per request graphql-core builds an executor
object with a dozen helpers and a reference cycle, collects fields, and keeps incremental-delivery
and abort bookkeeping; for a one-field query that was more than a third of the server's time
(bench/http.py). Here the fields of a selection set are collected once per document (with no
directives and only object types, they do not depend on the request), and the rest is
graphql-core's own algorithm for the subset, step for step (`collect_fields`, `execute_fields`,
`execute_field`, `complete_value`, `complete_iterable_value`, `handle_field_error`,
`CollectedErrors`), with graphql-core's argument and variable coercion, its error texts, and
the server's own leaf serialization. tests/unit/schema/test_plain_executor.py runs random
operations through both executors and compares the answers.
"""

from __future__ import annotations

from asyncio import gather
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from graphql import (
    BooleanValueNode,
    EnumValueNode,
    ExecutionResult,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    located_error,
)
from graphql.execution.collect_fields import does_fragment_condition_match, get_field_entry_key
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import Path, gather_with_cancel, is_awaitable, is_iterable
from graphql.type.definition import GraphQLResolveInfoHelpers

LeafCompletion = Callable[[GraphQLLeafType, Any], Any]
FieldResolverFunction = Callable[..., Any]

_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def _track(_values: Any) -> None:
    """`info.async_helpers.track`: nothing to settle later, every awaitable is awaited."""


_HELPERS = GraphQLResolveInfoHelpers(
    gather=lambda values: gather_with_cancel(*values), track=_track
)

# Sibling work still running when a synchronous error propagated: awaited in the background, as
# graphql-core settles it, and referenced here until it is done.
_SETTLING: set[Awaitable[Any]] = set()


Fragments = Mapping[str, FragmentDefinitionNode]
Fields = dict[str, list[FieldNode]]
"""A selection's fields by response name, in order; a name selected twice has both nodes."""
CollectedFields = dict[tuple[int, ...], Fields]
"""A document's collected fields, by the identities of the selection sets collected."""
LiteralArguments = dict[int, tuple[GraphQLField, dict[str, Any]]]
"""A document's coerced arguments written as scalar literals, by the identity of their field
node (with the field they were coerced for)."""
# Values a resolver cannot change in place: arguments made of them can be shared by requests.
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_SCALAR_LITERALS = (
    StringValueNode,
    IntValueNode,
    FloatValueNode,
    BooleanValueNode,
    EnumValueNode,
    NullValueNode,
)


def is_plain(
    schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Fragments
) -> bool:
    """Whether `operation` (of a validated document with these fragment definitions) is one
    `execute_plain` runs."""
    return bool(plain_operations(schema, (operation,), fragments))


def plain_operations(
    schema: GraphQLSchema, operations: Sequence[OperationDefinitionNode], fragments: Fragments
) -> tuple[OperationDefinitionNode, ...]:
    """The operations of a validated document that `execute_plain` runs. One pass over the
    document: each fragment is checked once per parent type, however often it is spread."""
    check = _PlainCheck(schema, fragments)
    return tuple(operation for operation in operations if check.operation(operation))


class _PlainCheck:
    """Whether selections are plain, remembering each fragment's answer per parent type (a
    document of fragments each spreading the next twice would otherwise be walked 2^depth
    times)."""

    __slots__ = ("_fragments", "_schema", "_spreads")

    def __init__(self, schema: GraphQLSchema, fragments: Fragments) -> None:
        self._schema = schema
        self._fragments = fragments
        # (fragment, parent type) -> the answer; None while it is being checked (a cycle,
        # which validation refuses, then counts as not plain).
        self._spreads: dict[tuple[str, str], bool | None] = {}

    def operation(self, operation: OperationDefinitionNode) -> bool:
        schema = self._schema
        if operation.operation is OperationType.QUERY:
            root = schema.query_type
        elif operation.operation is OperationType.MUTATION:
            root = schema.mutation_type
        else:
            return False
        if root is None or operation.directives:
            return False
        return self._selection(root, operation.selection_set)

    def _selection(self, parent: GraphQLObjectType, selection_set: SelectionSetNode) -> bool:
        for selection in selection_set.selections:
            if selection.directives:
                return False
            if isinstance(selection, InlineFragmentNode):
                if not does_fragment_condition_match(self._schema, selection, parent):
                    return False
                if not self._selection(parent, selection.selection_set):
                    return False
            elif isinstance(selection, FragmentSpreadNode):
                if not self._spread(parent, selection.name.value):
                    return False
            elif not isinstance(selection, FieldNode) or not self._field(parent, selection):
                return False
        return True

    def _spread(self, parent: GraphQLObjectType, name: str) -> bool:
        key = (name, parent.name)
        if key in self._spreads:
            return bool(self._spreads[key])
        self._spreads[key] = None
        fragment = self._fragments.get(name)
        plain = (
            fragment is not None
            and not fragment.directives
            and does_fragment_condition_match(self._schema, fragment, parent)
            and self._selection(parent, fragment.selection_set)
        )
        self._spreads[key] = plain
        return plain

    def _field(self, parent: GraphQLObjectType, selection: FieldNode) -> bool:
        if selection.name.value in _INTROSPECTION_FIELDS:
            return False
        field = self._schema.get_field(parent, selection.name.value)
        if field is None:
            return False
        named: Any = field.type
        while isinstance(named, GraphQLNonNull | GraphQLList):
            named = named.of_type
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            return selection.selection_set is None
        if isinstance(named, GraphQLObjectType) and named.is_type_of is None:
            return selection.selection_set is not None and self._selection(
                named, selection.selection_set
            )
        return False


def collect_fields(
    selection_sets: Sequence[SelectionSetNode],
    fragments: Fragments,
    collected: CollectedFields | None = None,
) -> Fields:
    """graphql-core's `collect_fields` / `collect_subfields` for a plain selection: the fields of
    these selection sets (a field's, or every node's of a field selected twice), inline fragments
    and spreads flattened, a fragment spread twice collected once. In a plain operation they
    depend on nothing but the nodes, so they are kept in `collected`, the document's own
    (schema/documents.py): keyed by the nodes' identities, which live as long as it does."""
    key = tuple(map(id, selection_sets))
    if collected is not None:
        cached = collected.get(key)
        if cached is not None:
            return cached
    fields: Fields = {}
    visited: set[str] = set()
    for selection_set in selection_sets:
        _collect(selection_set, fragments, fields, visited)
    if collected is not None:
        collected[key] = fields
    return fields


def _collect(
    selection_set: SelectionSetNode, fragments: Fragments, fields: Fields, visited: set[str]
) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            fields.setdefault(get_field_entry_key(selection), []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, fields, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in visited:
                visited.add(name)
                _collect(fragments[name].selection_set, fragments, fields, visited)


async def execute_plain(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    root_value: Any,
    context: Any,
    variables: dict[str, Any] | None,
    field_resolver: FieldResolverFunction,
    complete_leaf: LeafCompletion,
    collected: CollectedFields | None = None,
    literal_arguments: LiteralArguments | None = None,
) -> ExecutionResult | None:
    """Run a plain operation; None when its variables do not coerce (graphql-core then reports
    them, with the server's wording). `collected` keeps the document's collected fields, and
    `literal_arguments` its arguments that no request changes."""
    variable_values = get_variable_values(
        schema, operation.variable_definitions or (), variables or {}, max_errors=50
    )
    if isinstance(variable_values, list):
        return None
    execution = _Execution(
        schema,
        operation,
        fragments,
        root_value,
        context,
        variable_values,
        field_resolver,
        complete_leaf,
        collected,
        literal_arguments,
    )
    return await execution.run()


class _Execution:
    """One plain operation in flight: graphql-core's `Executor` for the plain subset."""

    __slots__ = (
        "_collected",
        "_complete_leaf",
        "_context",
        "_errors",
        "_field_resolver",
        "_fragments",
        "_literal_arguments",
        "_nulled",
        "_operation",
        "_root_value",
        "_schema",
        "_variable_values",
    )

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        root_value: Any,
        context: Any,
        variable_values: VariableValues,
        field_resolver: FieldResolverFunction,
        complete_leaf: LeafCompletion,
        collected: CollectedFields | None,
        literal_arguments: LiteralArguments | None = None,
    ) -> None:
        self._schema = schema
        self._operation = operation
        self._fragments = fragments
        self._root_value = root_value
        self._context = context
        self._variable_values = variable_values
        self._field_resolver = field_resolver
        self._complete_leaf = complete_leaf
        self._collected = collected
        self._literal_arguments = literal_arguments
        self._errors: list[GraphQLError] = []
        self._nulled: set[Path | None] = set()

    async def run(self) -> ExecutionResult:
        operation = self._operation
        mutation = operation.operation is OperationType.MUTATION
        root = self._schema.mutation_type if mutation else self._schema.query_type
        if root is None:  # is_plain checked it
            raise TypeError("the operation's root type is missing")
        fields = collect_fields((operation.selection_set,), self._fragments, self._collected)
        data: dict[str, Any] | None
        try:
            if mutation:
                data = await self._execute_serially(root, fields)
            else:
                result = self._execute_fields(root, self._root_value, None, fields)
                data = await result if isinstance(result, Awaitable) else result
        except GraphQLError as error:
            self._add_error(error, None)
            data = None
        return ExecutionResult(data, self._errors or None)

    def _add_error(self, error: GraphQLError, path: Path | None) -> None:
        """graphql-core's `CollectedErrors.add`: nothing under a position already nulled."""
        step = path
        while step is not None:
            if step in self._nulled:
                return
            step = step.prev
        if None in self._nulled:
            return
        self._nulled.add(path)
        self._errors.append(error)

    def _handle_field_error(
        self,
        raw: Exception,
        return_type: GraphQLOutputType,
        nodes: list[FieldNode],
        path: Path,
    ) -> None:
        error = located_error(raw, nodes, path.as_list())
        if isinstance(return_type, GraphQLNonNull):
            raise error
        self._add_error(error, path)

    async def _execute_serially(self, parent: GraphQLObjectType, fields: Fields) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for response_name, nodes in fields.items():
            path = Path(None, response_name, parent.name)
            result = self._execute_field(parent, self._root_value, nodes, path)
            results[response_name] = await result if is_awaitable(result) else result
        return results

    def _execute_fields(
        self, parent: GraphQLObjectType, source: Any, path: Path | None, fields: Fields
    ) -> dict[str, Any] | Awaitable[dict[str, Any]]:
        results: dict[str, Any] = {}
        pending: list[str] = []
        try:
            for response_name, nodes in fields.items():
                result = self._execute_field(
                    parent, source, nodes, Path(path, response_name, parent.name)
                )
                results[response_name] = result
                if is_awaitable(result):
                    pending.append(response_name)
        except Exception:
            if pending:
                _settle_in_background([results[name] for name in pending])
            raise
        if not pending:
            return results
        return _gathered(results, pending)

    def _execute_field(
        self, parent: GraphQLObjectType, source: Any, nodes: list[FieldNode], path: Path
    ) -> Any:
        node = nodes[0]
        field = self._schema.get_field(parent, node.name.value)
        if field is None:  # is_plain checked it
            raise TypeError("a plain selection names fields of its type only")
        return_type = field.type
        resolve = field.resolve or self._field_resolver
        info: GraphQLResolveInfo[Any] = GraphQLResolveInfo(
            node.name.value,
            nodes,
            return_type,
            parent,
            path,
            self._schema,
            self._fragments,
            self._root_value,
            self._operation,
            self._variable_values,
            self._context,
            is_awaitable,
            None,
            _HELPERS,
        )
        try:
            arguments = self._arguments(field, node)
            result = resolve(source, info, **arguments)
            if is_awaitable(result):
                return self._complete_awaitable(return_type, nodes, info, path, result)
            completed = self._complete_value(return_type, nodes, info, path, result)
            if is_awaitable(completed):
                return self._awaited_field(completed, return_type, nodes, path)
        except Exception as raw:
            self._handle_field_error(raw, return_type, nodes, path)
            return None
        return completed

    def _arguments(self, field: GraphQLField, node: FieldNode) -> dict[str, Any]:
        """The field's coerced arguments. Those written as scalar literals that coerce to
        immutable values are the same for every request: coerced once per document (a tenth of
        a one-field query's execution, issue 19). Callers unpack the dict (`**arguments`), so a
        resolver never holds the document's own."""
        if not field.args and not node.arguments:
            return {}
        memo = self._literal_arguments
        if memo is not None:
            known = memo.get(id(node))
            if known is not None and known[0] is field:
                return known[1]
        values = get_argument_values(field, node, self._variable_values)
        if (
            memo is not None
            and all(
                isinstance(argument.value, _SCALAR_LITERALS) for argument in node.arguments or ()
            )
            and all(type(value) in _IMMUTABLE for value in values.values())
        ):
            memo[id(node)] = (field, values)
        return values

    async def _complete_awaitable(
        self,
        return_type: GraphQLOutputType,
        nodes: list[FieldNode],
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Awaitable[Any],
    ) -> Any:
        try:
            completed = self._complete_value(return_type, nodes, info, path, await result)
            if is_awaitable(completed):
                completed = await completed
        except Exception as raw:
            self._handle_field_error(raw, return_type, nodes, path)
            return None
        return completed

    async def _awaited_field(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        nodes: list[FieldNode],
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw:
            self._handle_field_error(raw, return_type, nodes, path)
            return None

    def _complete_value(
        self,
        return_type: GraphQLOutputType,
        nodes: list[FieldNode],
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
    ) -> Any:
        if isinstance(result, Exception):
            raise result
        if isinstance(return_type, GraphQLNonNull):
            completed = self._complete_value(return_type.of_type, nodes, info, path, result)
            if completed is None:
                raise TypeError(
                    "Cannot return null for non-nullable field"
                    f" {info.parent_type}.{info.field_name}."
                )
            return completed
        if result is None:
            return None
        if isinstance(return_type, GraphQLList):
            return self._complete_list(return_type.of_type, nodes, info, path, result)
        if isinstance(return_type, GraphQLObjectType):
            selection_sets = [node.selection_set for node in nodes if node.selection_set]
            fields = collect_fields(selection_sets, self._fragments, self._collected)
            return self._execute_fields(return_type, result, path, fields)
        if isinstance(return_type, GraphQLScalarType | GraphQLEnumType):
            return self._complete_leaf(return_type, result)
        raise TypeError(f"a plain operation has no fields of type {return_type}")

    def _complete_list(
        self,
        item_type: GraphQLOutputType,
        nodes: list[FieldNode],
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
    ) -> list[Any] | Awaitable[list[Any]]:
        if not is_iterable(result):
            raise GraphQLError(
                "Expected Iterable, but did not find one for field"
                f" '{info.parent_type}.{info.field_name}'."
            )
        completed: list[Any] = []
        pending: list[int] = []
        try:
            for index, item in enumerate(result):
                item_path = path.add_key(index, None)
                if is_awaitable(item):
                    completed.append(
                        self._complete_awaitable(item_type, nodes, info, item_path, item)
                    )
                    pending.append(index)
                    continue
                try:
                    value = self._complete_value(item_type, nodes, info, item_path, item)
                except Exception as raw:
                    self._handle_field_error(raw, item_type, nodes, item_path)
                    value = None
                if is_awaitable(value):
                    value = self._awaited_field(value, item_type, nodes, item_path)
                    pending.append(index)
                completed.append(value)
        except Exception:
            if pending:
                _settle_in_background([completed[index] for index in pending])
            raise
        if not pending:
            return completed
        return _gathered(completed, pending)


Completed = TypeVar("Completed", dict[str, Any], list[Any])


async def _gathered(completed: Completed, pending: list[Any]) -> Completed:
    """`completed` with the awaitables under the `pending` keys (or indexes) awaited together, as
    graphql-core gathers them: one alone is awaited directly."""
    if len(pending) == 1:
        key = pending[0]
        completed[key] = await completed[key]
        return completed
    values = await gather_with_cancel(*(completed[key] for key in pending))
    for key, value in zip(pending, values, strict=True):
        completed[key] = value
    return completed


def _settle_in_background(awaitables: list[Any]) -> None:
    future = gather(*awaitables, return_exceptions=True)
    _SETTLING.add(future)
    future.add_done_callback(_SETTLING.discard)
