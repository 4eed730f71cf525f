"""The local Lambda runtime's errors: one root, each API error named as Lambda's Invoke names it.

Codes and HTTP statuses are checked against botocore's model of the Lambda API (the Invoke
operation's error shapes, as https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html lists
them), so the later AWS endpoint renders what boto3 and the AWS SDKs expect.
"""

from __future__ import annotations

import botocore.session
import pytest

import functions
from functions.errors import (
    FunctionsError,
    InitFailedError,
    InvalidParameterValueError,
    InvalidRequestContentError,
    InvokerClosedError,
    RequestTooLargeError,
    ResourceConflictError,
    ResourceNotFoundError,
    RuntimeUnavailableError,
    TooManyRequestsError,
    WorkerProtocolError,
)
from tests.unit.exception_classes import defined_exceptions

API_ERRORS: list[type[FunctionsError]] = [
    FunctionsError,
    ResourceNotFoundError,
    ResourceConflictError,
    InvalidParameterValueError,
    RuntimeUnavailableError,
    InvalidRequestContentError,
    RequestTooLargeError,
    TooManyRequestsError,
]


def test_every_exception_of_the_package_is_in_errors_under_functions_error() -> None:
    found = defined_exceptions(functions)
    assert InitFailedError in found
    for error_class in found:
        if error_class.__module__.startswith("functions.bootstrap."):
            # The worker scripts run alone in a bare interpreter and import nothing of ours.
            continue
        assert error_class.__module__ == "functions.errors", error_class
        assert issubclass(error_class, FunctionsError), error_class


@pytest.mark.parametrize("error_class", API_ERRORS, ids=lambda c: c.__name__)
def test_each_api_error_has_the_code_and_status_of_lambdas_invoke(
    error_class: type[FunctionsError],
) -> None:
    invoke = botocore.session.get_session().get_service_model("lambda").operation_model("Invoke")
    statuses = {
        shape.name: shape.metadata["error"]["httpStatusCode"] for shape in invoke.error_shapes
    }
    assert statuses[error_class.code] == error_class.status


def test_errors_that_are_not_api_errors_are_lambdas_service_exception() -> None:
    for error_class in (InvokerClosedError, WorkerProtocolError, InitFailedError):
        assert (error_class.code, error_class.status) == ("ServiceException", 500)


def test_an_error_keeps_its_message() -> None:
    error = ResourceNotFoundError("Function not found: arn:aws:lambda:us-east-1:1:function:f")
    assert (
        str(error) == error.message == "Function not found: arn:aws:lambda:us-east-1:1:function:f"
    )


def test_a_throttle_says_rate_exceeded_and_why() -> None:
    error = TooManyRequestsError("ReservedFunctionConcurrentInvocationLimitExceeded")
    assert error.message == "Rate Exceeded."
    assert error.reason == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_an_unavailable_runtime_names_the_function_and_runtime() -> None:
    error = RuntimeUnavailableError("f", "nodejs22.x", "node is not on the PATH")
    assert (error.function_name, error.runtime, error.message) == (
        "f",
        "nodejs22.x",
        "node is not on the PATH",
    )


@pytest.mark.parametrize(
    ("payload", "error_type"),
    [
        (
            b'{"errorType": "Runtime.ImportModuleError", "errorMessage": "no"}',
            "Runtime.ImportModuleError",
        ),
        (b'{"errorMessage": "no type"}', None),
        (b'{"errorType": 7}', None),
        (b'["errorType"]', None),
        (b"not json", None),
    ],
)
def test_a_failed_init_answers_with_its_payload_and_reads_its_error_type(
    payload: bytes, error_type: str | None
) -> None:
    error = InitFailedError(payload)
    assert error.payload == payload
    assert error.message == payload.decode()
    assert error.error_type == error_type
