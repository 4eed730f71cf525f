"""Errors of the Step Functions engine: the root, and the errors more than one layer raises or
catches.

`StatesError` is a failure *inside* an execution, named as the States Language names it
(`States.Runtime`, `States.QueryEvaluationError`, a user's `Error` ...). Expression modules
(paths, intrinsics, JSONata, choice) raise it with only the detail sentence as cause, for
example "The JSONPath '$.x' specified for the field 'InputPath' could not be found in the input
'{}'"; the interpreter adds AWS's prefix "An error occurred while executing the state 'S'
(entered at the event id #N). " where AWS does. Only `service/api.py` renders wire JSON.

Every exception class of the package derives from `StepFunctionsError`; those one layer keeps
to itself live in its own `errors.py` (`language/`, `runtime/`, `service/`, `integrations/`).
"""

from __future__ import annotations


class StepFunctionsError(Exception):
    """Root of every error the engine raises."""


class StatesError(StepFunctionsError):
    """A run-time failure with a States Language error name and a cause.

    `prefixed` is False while the cause is a bare detail sentence that still needs the
    interpreter's "An error occurred while executing the state ..." prefix. `location` names the
    definition field being evaluated (the EvaluationFailed event reports it); the interpreter
    fills it in when the raiser did not.
    """

    def __init__(
        self, error: str, cause: str, *, prefixed: bool = False, location: str | None = None
    ) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        self.prefixed = prefixed
        self.location = location


class InvalidDefinitionError(StepFunctionsError):
    """A definition that CreateStateMachine rejects; `message` is AWS's InvalidDefinition text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TaskTokenError(StepFunctionsError):
    """A task token call (SendTask*, or a token GetActivityTask gave out) that cannot be served.

    `code` is the API's error code: InvalidToken, TaskDoesNotExist or TaskTimedOut.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class HistoryLimitReachedError(StepFunctionsError):
    """Raised instead of appending the event that would leave no room for ExecutionFailed (the
    records' History raises it, the interpreter ends the execution on it)."""
