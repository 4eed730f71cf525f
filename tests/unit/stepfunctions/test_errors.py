"""The engine's errors: one root, every exception class in an `errors.py`, the shared ones here.

A `StatesError` carries the States Language error name and cause that the history's
ExecutionFailed / TaskFailed events and a Catcher's `Error` / `Cause` show (ASL spec, "Errors");
`TaskTokenError.code` is the SendTask* API's error code (API reference, SendTaskSuccess:
InvalidToken, TaskDoesNotExist, TaskTimedOut).
"""

from __future__ import annotations

import stepfunctions
from stepfunctions.errors import (
    HistoryLimitReachedError,
    InvalidDefinitionError,
    StatesError,
    StepFunctionsError,
    TaskTokenError,
)
from tests.unit.exception_classes import defined_exceptions

ERRORS_MODULES = {
    "stepfunctions.errors",
    "stepfunctions.language.errors",
    "stepfunctions.runtime.errors",
    "stepfunctions.service.errors",
    "stepfunctions.integrations.errors",
}


def test_every_exception_of_the_package_is_in_an_errors_module_under_the_root() -> None:
    found = defined_exceptions(stepfunctions)
    assert {error_class.__module__ for error_class in found} == ERRORS_MODULES
    for error_class in found:
        assert issubclass(error_class, StepFunctionsError), error_class


def test_a_states_error_names_the_error_and_its_cause() -> None:
    error = StatesError("States.Runtime", "The JSONPath '$.x' could not be found")
    assert str(error) == "States.Runtime: The JSONPath '$.x' could not be found"
    assert (error.error, error.cause) == ("States.Runtime", "The JSONPath '$.x' could not be found")
    # A bare detail sentence until the interpreter adds AWS's prefix and the field's location.
    assert (error.prefixed, error.location) == (False, None)


def test_a_states_error_may_come_prefixed_and_located() -> None:
    error = StatesError("States.QueryEvaluationError", "bad", prefixed=True, location="Seconds")
    assert (error.prefixed, error.location) == (True, "Seconds")


def test_an_invalid_definition_keeps_aws_message() -> None:
    error = InvalidDefinitionError("Invalid State Machine Definition: 'MISSING_START_AT'")
    assert str(error) == error.message == "Invalid State Machine Definition: 'MISSING_START_AT'"


def test_a_task_token_error_carries_the_api_code() -> None:
    error = TaskTokenError("TaskTimedOut", "Task Timed Out: 'arn'")
    assert (error.code, error.message, str(error)) == (
        "TaskTimedOut",
        "Task Timed Out: 'arn'",
        "Task Timed Out: 'arn'",
    )


def test_a_full_history_is_not_a_states_error() -> None:
    # The interpreter ends the execution on it; a Catcher on States.ALL must not take it.
    assert not issubclass(HistoryLimitReachedError, StatesError)
