"""Errors the States Language modules raise and catch among themselves while they compile or
evaluate an expression; what leaves the language is a `StatesError` or an
`InvalidDefinitionError`. Every class derives from the package's root, `StepFunctionsError`.
"""

from __future__ import annotations

from stepfunctions.errors import InvalidDefinitionError, StepFunctionsError


class MissingArgumentError(StepFunctionsError):
    """A path argument that selects nothing; the outermost call words AWS's cause."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class JsonataFunctionError(StepFunctionsError):
    """A failed call of an AWS function; reported as `<code>: <message>` like a JSONata error,
    or as the bare message when `code` is empty."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code
        self.message = message


class JsonataMemoryLimitError(StepFunctionsError):
    """A step produced a value past AWS's memory bound; reported without a JSONata code."""


class JsonataDefinitionError(InvalidDefinitionError):
    """A refused expression inside a template, with where it sits in the state.

    `location` is a JSON pointer relative to the state (`/Output/v`, `/Arguments/list/0`), so
    the caller can append AWS's ` at /States/<name><location>` to the message.
    """

    def __init__(self, message: str, location: str) -> None:
        super().__init__(message)
        self.location = location


class IntrinsicArgumentError(StepFunctionsError):
    """An argument an intrinsic function cannot use; `Intrinsic.evaluate` re-raises it typed.

    The error name is the predefined `States.IntrinsicFailure` (ASL spec Appendix A, AWS dg
    error-handling: an intrinsic function failed to execute).
    """

    def __init__(self, cause: str, error: str = "States.IntrinsicFailure") -> None:
        super().__init__(cause)
        self.error = error
        self.cause = cause
