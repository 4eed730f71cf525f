"""ApiError: an AWS JSON 1.0 error (`__type`, message, HTTP status) an operation refuses with."""

from __future__ import annotations

from stepfunctions.errors import StepFunctionsError
from stepfunctions.service.errors import ApiError


def test_a_client_error_is_a_400_by_default() -> None:
    error = ApiError("StateMachineDoesNotExist", "State Machine Does Not Exist: 'arn'")
    assert isinstance(error, StepFunctionsError)
    assert (error.code, error.message, error.status) == (
        "StateMachineDoesNotExist",
        "State Machine Does Not Exist: 'arn'",
        400,
    )
    assert str(error) == "StateMachineDoesNotExist: State Machine Does Not Exist: 'arn'"


def test_a_server_side_refusal_keeps_its_status() -> None:
    assert ApiError("ServiceUnavailable", "not running", 503).status == 503
