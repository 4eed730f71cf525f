"""The API's schema loaded from its SDL, and the SDL's problems reported as `validate` reports
them: at a file's line and column, or at the template property that holds inline SDL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from appsync.bindings import Problems
from definition.errors import InvalidDefinitionError
from definition.model import ApiDefinition, InlineSource, Source
from definition.problems import Problem
from schema.errors import SchemaError
from schema.loader import AppSyncSchema, load_schema


def api_schema(definition: ApiDefinition, problems: Problems) -> AppSyncSchema | None:
    if not definition.schema:
        return None
    try:
        return load_schema(definition.schema)
    except SchemaError as error:
        problems.items.extend(sdl_problems(error, definition.schema, definition.problem))
        return None


def sdl_problems(
    error: SchemaError, sources: Sequence[Source], locate: Callable[[str, str], Problem]
) -> list[Problem]:
    """The SDL's problems: in a file, at its line and column; in a template's inline SDL, at
    the property that holds it (the line and column within it in the message)."""
    if not error.problems:
        return [locate("schema", str(error))]
    inline = {
        source.name: source.origin
        for source in sources
        if isinstance(source, InlineSource) and source.origin is not None
    }
    found = []
    for problem in error.problems:
        origin = inline.get(problem.file)
        if origin is None:
            found.append(
                Problem(problem.file, "", problem.message, line=problem.line, column=problem.column)
            )
        else:
            where = f"line {problem.line}, column {problem.column}"
            found.append(origin.problem("", f"{where}: {problem.message}"))
    return found


def schema_problems(error: InvalidDefinitionError, definition_file: Path) -> list[Problem]:
    """The SDL's own problems for a definition that has problems too, so that one report
    lists both (empty when the definition names no readable SDL or the SDL is sound)."""
    if not error.schema:
        return []
    try:
        load_schema(error.schema)
    except SchemaError as sdl_error:

        def locate(key_path: str, message: str) -> Problem:
            return Problem(str(definition_file), key_path, message)

        return sdl_problems(sdl_error, error.schema, locate)
    return []
