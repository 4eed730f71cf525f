"""The definition package's errors: one root, and the error a reader raises with its problems."""

from __future__ import annotations

from collections.abc import Sequence

from definition.model import Source
from definition.problems import Problem


class DefinitionError(Exception):
    """Root of every error the definition package raises."""


class InvalidDefinitionError(DefinitionError):
    """A definition a reader refuses; lists every problem found, not only the first.

    `schema` names the SDL the definition still points to (files, or a template's inline
    SDL), so that its own problems can be listed in the same report."""

    def __init__(self, problems: Sequence[Problem], schema: Sequence[Source] = ()) -> None:
        self.problems = tuple(problems)
        self.schema = tuple(schema)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class TemplateValueError(DefinitionError):
    """A value of a CloudFormation template that cannot be resolved locally: an unknown or
    malformed intrinsic function, a reference to nothing, a circular reference, an S3 location
    that is not local. `path` is where in the resource it is (`Properties.DataSourceName`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message
