"""What a Task makes of Lambda's Invoke API's answers: a function's result is its payload as
JSON (text stays text); a function error fails the task with the payload's `errorType` (or
`Lambda.Unknown`, Step Functions dg "Handle Lambda service exceptions") and the payload as the
cause; a refusal of Lambda's API is `Lambda.<exception>` with the Java SDK's cause text."""

from __future__ import annotations

import pytest

from stepfunctions.errors import StatesError
from stepfunctions.runtime.errors import LambdaServiceError
from stepfunctions.runtime.lambda_invoker import (
    LambdaAnswer,
    answer_value,
    function_failure,
    payload_value,
    service_failure,
)


def test_a_result_is_the_payload_parsed() -> None:
    assert answer_value(LambdaAnswer(200, b'{"a": [1, null]}', "r")) == {"a": [1, None]}
    assert payload_value(b"null") is None
    assert payload_value(b"") == ""
    assert payload_value(b"not json") == "not json"


def test_a_function_error_fails_with_its_error_type_and_the_payload_as_cause() -> None:
    payload = b'{"errorMessage":"RequestId: r Error: Task timed out after 3.00 seconds",'
    payload += b'"errorType":"Sandbox.Timedout"}'
    with pytest.raises(StatesError) as raised:
        answer_value(LambdaAnswer(200, payload, "r", "Unhandled"))
    assert (raised.value.error, raised.value.cause) == ("Sandbox.Timedout", payload.decode())
    assert raised.value.prefixed
    assert function_failure(b"[1]").error == "Lambda.Unknown"
    assert function_failure(b"{oops").error == "Lambda.Unknown"
    assert function_failure(b'{"errorType": ""}').error == "Lambda.Unknown"


def test_a_refusal_is_the_lambda_exception_with_the_sdks_cause() -> None:
    error = service_failure(
        LambdaServiceError("TooManyRequestsException", 429, "Rate Exceeded.", "id-1")
    )
    assert error.error == "Lambda.TooManyRequestsException"
    assert error.cause == (
        "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: "
        "TooManyRequestsException; Request ID: id-1; Proxy: null)"
    )
