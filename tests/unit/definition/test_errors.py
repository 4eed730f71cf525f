"""The definition package's errors: one root, and every problem in the refusal's message."""

from __future__ import annotations

from pathlib import Path

from definition.errors import DefinitionError, InvalidDefinitionError
from definition.problems import Problem


def test_an_invalid_definition_lists_every_problem_and_keeps_its_schema() -> None:
    problems = [
        Problem("appsync.yaml", "authenticationType", "required"),
        Problem("appsync.yaml", "resolvers[0].fieldName", "required"),
    ]
    error = InvalidDefinitionError(problems, [Path("schema.graphql")])
    assert isinstance(error, DefinitionError)
    assert error.problems == tuple(problems)
    assert error.schema == (Path("schema.graphql"),)
    assert str(error) == (
        "appsync.yaml: authenticationType: required\nappsync.yaml: resolvers[0].fieldName: required"
    )
