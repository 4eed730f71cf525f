"""The schema package's errors: every problem in an SDL, with its file, line and column, and the
problems of a request (its text, variables and results) that the package words as AppSync does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graphql import ValueNode


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One problem in an SDL file. Lines and columns count from 1, as graphql-core reports them."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class SchemaError(Exception):
    """Root of the package's errors. Raised as such, the SDL cannot become a schema and
    `problems` lists every problem found."""

    def __init__(self, problems: Sequence[SchemaProblem], message: str | None = None) -> None:
        self.problems: list[SchemaProblem] = list(problems)
        super().__init__(
            message if message is not None else "\n".join(str(p) for p in self.problems)
        )


class CoercionError(SchemaError):
    """An AWS scalar rejected a value; `detail` is AppSync's text, e.g.
    "Unable to parse `1110004444` as a valid phone number."."""

    def __init__(self, detail: str) -> None:
        super().__init__((), detail)
        self.detail = detail


class QueryDepthLimitError(SchemaError):
    """A field lies deeper than the API's `queryDepthLimit`: a field error on that path, so the
    null climbs to the first nullable parent ("Configuring ... query depth", AppSync guide)."""

    def __init__(self, limit: int, depth: int, field_name: str) -> None:
        # AWS differs (unrecorded): AppSync's text for this error is not in any recorded response.
        detail = f"Query depth limit of {limit} exceeded: field '{field_name}' is at depth {depth}."
        super().__init__((), detail)
        self.limit = limit
        self.depth = depth
        self.field_name = field_name


class QuerySyntaxError(SchemaError):
    """The query text does not parse. AppSync answers 400 MalformedHttpRequestException
    "Unable to parse GraphQL query." (graphql/graphql-over-http#81)."""

    def __init__(self, detail: str) -> None:
        super().__init__((), "Unable to parse GraphQL query.")
        self.detail = detail


class ValidationAbortedError(SchemaError):
    """Stops validating a document at graphql-java's limit of errors (schema/messages.py)."""

    def __init__(self) -> None:
        super().__init__((), "The maximum number of validation errors has been reached.")


class JsonTextError(SchemaError, ValueError):
    """JSON text from a client that is malformed, or nested deeper than the server reads
    (schema/json_text.py); the caller words it as AppSync words malformed JSON there."""

    def __init__(self, detail: str) -> None:
        super().__init__((), detail)
        self.detail = detail


class LiteralError(SchemaError):
    """Where a literal in a query fails its type: the path inside the argument, the failing value,
    and graphql-java's ending of the sentence (schema/messages.py words the validation error)."""

    def __init__(self, path: list[str | int], value: ValueNode, tail: str) -> None:
        super().__init__((), tail)
        self.path = path
        self.value = value
        self.tail = tail


class VariableCoercionError(SchemaError):
    """The first variable value graphql-java would refuse; `message` is AppSync's text."""

    def __init__(self, message: str) -> None:
        super().__init__((), message)
        self.message = message
