"""Executable schemas for the schema package's tests: resolvers that return fixed values (and
record what they are asked), and the one error a request ends in."""

from typing import Any

from graphql import ExecutionResult, GraphQLResolveInfo

from schema.executable import ExecutableSchema
from schema.loader import AppSyncSchema
from schema.resolution import FieldResolver


def recording_resolvers(table: dict[tuple[str, str], FieldResolver]) -> Any:
    """A `resolver_for` answering from `table`; the fields it was asked for are in `.calls`."""
    calls: list[tuple[str, str]] = []

    def resolver_for(type_name: str, field_name: str) -> FieldResolver | None:
        calls.append((type_name, field_name))
        return table.get((type_name, field_name))

    resolver_for.calls = calls  # type: ignore[attr-defined]
    return resolver_for


def returning(value: Any, field: tuple[str, str]) -> Any:
    """A `resolver_for` whose one resolver, for `field` (type, field), returns `value`."""

    def resolver_for(type_name: str, field_name: str) -> FieldResolver | None:
        if (type_name, field_name) != field:
            return None
        return lambda source, info, args: value

    return resolver_for


def executable_with_values(schema: AppSyncSchema, **table: Any) -> ExecutableSchema:
    """`schema` executable with a resolver per `Type.field` key of `table` returning its value."""

    def resolver_for(type_name: str, field_name: str) -> FieldResolver | None:
        value = table.get(f"{type_name}.{field_name}")
        if value is None:
            return None

        def resolve(source: Any, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
            return value

        return resolve

    return ExecutableSchema(schema, resolver_for)


async def run(
    executable: ExecutableSchema, query: str, variables: dict[str, Any] | None = None
) -> ExecutionResult:
    return await executable.execute(query, variables, None, None)


def request_error(result: ExecutionResult) -> tuple[str, list[tuple[int, int]]]:
    """The message and locations of the one error of a result without data."""
    assert result.data is None
    (error,) = result.errors or []
    return error.message, [(loc.line, loc.column) for loc in error.locations or []]


async def request_error_of(
    schema: AppSyncSchema, query: str, variables: dict[str, Any] | None = None
) -> tuple[str, list[tuple[int, int]]]:
    """The single error of running `query` on `schema` with no resolvers."""
    return request_error(await run(executable_with_values(schema), query, variables))
