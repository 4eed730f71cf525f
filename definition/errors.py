"""The definition package's errors: one root, and the error a reader raises with its problems."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from definition.problems import Problem


class DefinitionError(Exception):
    """Root of every error the definition package raises."""


class InvalidDefinitionError(DefinitionError):
    """A definition a reader refuses; lists every problem found, not only the first.

    `schema` names the SDL files the definition still points to, so that their own problems
    can be listed in the same report."""

    def __init__(self, problems: Sequence[Problem], schema: Sequence[Path] = ()) -> None:
        self.problems = tuple(problems)
        self.schema = tuple(schema)
        super().__init__("\n".join(str(problem) for problem in self.problems))
