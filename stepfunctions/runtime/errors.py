"""Errors the runtime raises and catches inside a run; none of them reaches the service's caller.

Every class derives from the package's root, `StepFunctionsError`.
"""

from __future__ import annotations

from typing import Any

from stepfunctions.errors import StatesError, StepFunctionsError


class UncaughtError(StepFunctionsError):
    """A state failed and nothing caught it; it unwinds the program that ran the state.

    `error`/`cause` are final (prefixed where AWS prefixes). `state_name`/`state_input` say
    where a redrive resumes.
    """

    def __init__(
        self, error: str | None, cause: str | None, state_name: str | None, state_input: Any
    ) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        self.state_name = state_name
        self.state_input = state_input


class DeadlineReachedError(StepFunctionsError):
    """A TimeoutSeconds elapsed before the work it guards finished."""


class RetriableError(StepFunctionsError):
    """TestState: the error would be retried (TestState reports RETRIABLE, runs no retry)."""

    def __init__(self, error: StatesError) -> None:
        super().__init__(error.error)
        self.error = error


class HeartbeatMissedError(StepFunctionsError):
    """No SendTaskHeartbeat within HeartbeatSeconds."""


class LambdaServiceError(StepFunctionsError):
    """Lambda's Invoke API refused a call: `code` is the exception's name
    (`ResourceNotFoundException`, `TooManyRequestsException`), `status` its HTTP status. A
    `LambdaInvoker` raises it; the Task fails with `Lambda.<code>`."""

    def __init__(self, code: str, status: int, message: str, request_id: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.status = status
        self.message = message
        self.request_id = request_id
