"""Local Lambda functions: results, Lambda's error shape, and lambda:invoke's response."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from stepfunctions.errors import StatesError
from stepfunctions.runtime.errors import LambdaServiceError
from stepfunctions.runtime.lambda_invoker import LambdaAnswer
from stepfunctions.runtime.task_registry import LambdaContext, TaskRegistry

NOW = datetime(2024, 1, 1, tzinfo=UTC)
ARN = "arn:aws:lambda:us-east-1:123456789012:function:greet"


def greet(event: Any, context: Any) -> Any:
    assert isinstance(context, LambdaContext)
    return {"hello": event["name"], "function": context.function_name}


@pytest.mark.anyio
async def test_a_registered_function_returns_its_result() -> None:
    registry = TaskRegistry()
    registry.register_lambda(ARN, greet)
    result = await registry.invoke_function(ARN, {"name": "Ada"}, NOW)
    assert result == {"hello": "Ada", "function": "greet"}


@pytest.mark.anyio
async def test_async_handlers_and_qualified_arns_reach_the_function() -> None:
    async def handler(event: Any, context: Any) -> Any:
        return [event, context.function_version]

    registry = TaskRegistry()
    registry.register_lambda(ARN, handler)
    assert await registry.invoke_function(f"{ARN}:7", 1, NOW) == [1, "7"]


@pytest.mark.anyio
async def test_the_handler_gets_its_own_copy_of_the_event() -> None:
    def mutate(event: Any, context: Any) -> Any:
        event["x"] = 2
        return event

    registry = TaskRegistry()
    registry.register_lambda(ARN, mutate)
    event = {"x": 1}
    assert await registry.invoke_function(ARN, event, NOW) == {"x": 2}
    assert event == {"x": 1}


@pytest.mark.anyio
async def test_a_handler_exception_is_reported_as_lambda_reports_it() -> None:
    def fail(event: Any, context: Any) -> Any:
        raise ValueError("bad input")

    registry = TaskRegistry()
    registry.register_lambda(ARN, fail)
    with pytest.raises(StatesError) as raised:
        await registry.invoke_function(ARN, {}, NOW)
    # Lambda's Python runtime: errorType is the exception class, errorMessage its text.
    assert raised.value.error == "ValueError"
    cause = json.loads(raised.value.cause)
    assert list(cause) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert cause["errorMessage"] == "bad input"
    assert cause["errorType"] == "ValueError"
    assert raised.value.prefixed


@pytest.mark.anyio
async def test_an_unknown_function_is_resource_not_found() -> None:
    with pytest.raises(StatesError) as raised:
        await TaskRegistry().invoke_function(ARN, {}, NOW)
    assert raised.value.error == "Lambda.ResourceNotFoundException"
    assert raised.value.cause.startswith(f"Function not found: {ARN} (Service: AWSLambda;")


@pytest.mark.anyio
async def test_lambda_invoke_returns_the_invoke_response_shape() -> None:
    registry = TaskRegistry()
    registry.register_lambda(ARN, greet)
    response = await registry.invoke({"FunctionName": "greet", "Payload": {"name": "Bo"}}, NOW)
    # The optimised integration's result (dg "Invoke an AWS Lambda function").
    assert set(response) == {
        "ExecutedVersion",
        "Payload",
        "SdkHttpMetadata",
        "SdkResponseMetadata",
        "StatusCode",
    }
    assert response["Payload"] == {"hello": "Bo", "function": "greet"}
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert response["SdkHttpMetadata"]["HttpStatusCode"] == 200
    request_id = response["SdkResponseMetadata"]["RequestId"]
    assert response["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"] == request_id


@pytest.mark.anyio
async def test_lambda_invoke_without_function_name_fails() -> None:
    with pytest.raises(StatesError) as raised:
        await TaskRegistry().invoke({"Payload": {}}, NOW)
    assert raised.value.error == "States.Runtime"


def test_function_names_resolve_like_lambda_does() -> None:
    registry = TaskRegistry("eu-west-1", "111122223333")
    # Lambda accepts a name, a partial ARN (account:function:name) or a full ARN.
    assert registry.function_arn("f") == "arn:aws:lambda:eu-west-1:111122223333:function:f"
    assert (
        registry.function_arn("444455556666:function:f")
        == "arn:aws:lambda:eu-west-1:444455556666:function:f"
    )
    assert registry.function_arn(ARN) == ARN


@pytest.mark.anyio
async def test_sys_exit_in_a_handler_is_a_runtime_exit_error() -> None:
    def leave(event: Any, context: Any) -> Any:
        raise SystemExit(2)

    registry = TaskRegistry()
    registry.register_lambda(ARN, leave)
    with pytest.raises(StatesError) as raised:
        await registry.invoke_function(ARN, {}, NOW)
    # Lambda reports a runtime that exited as Runtime.ExitError with the exit status.
    assert raised.value.error == "Runtime.ExitError"
    assert json.loads(raised.value.cause)["errorMessage"].endswith(
        "Error: Runtime exited with error: exit status 2"
    )


@pytest.mark.anyio
async def test_an_event_invoke_answers_202_with_an_empty_payload() -> None:
    seen: list[Any] = []

    def record(event: Any, context: Any) -> Any:
        seen.append(event)
        return "ignored"

    registry = TaskRegistry()
    registry.register_lambda(ARN, record)
    response = await registry.invoke(
        {"FunctionName": ARN, "Payload": {"a": 1}, "InvocationType": "Event"}, NOW
    )
    # Lambda API reference (Invoke): an Event invocation returns 202 and no payload.
    assert (response["StatusCode"], response["Payload"]) == (202, "")
    assert "ExecutedVersion" not in response
    assert seen == [{"a": 1}]


class InvokeApi:
    """The `LambdaInvoker` side of the seam, answering as Lambda's Invoke API answers (the
    server's local Lambda runtime behind it is tested in tests/integration/test_functions.py):
    `answers` maps a function name to its payload and FunctionError."""

    def __init__(self, answers: dict[str, tuple[bytes, str | None]]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, bytes, str]] = []

    async def invoke(
        self, function_name: str, payload: bytes, invocation_type: str = "RequestResponse"
    ) -> LambdaAnswer:
        self.calls.append((function_name, payload, invocation_type))
        name = function_name.rsplit(":", 1)[-1]
        if name not in self.answers:
            raise LambdaServiceError(
                "ResourceNotFoundException", 404, f"Function not found: {function_name}", "r-1"
            )
        if invocation_type == "Event":
            return LambdaAnswer(202, b"", "r-2")
        body, error = self.answers[name]
        return LambdaAnswer(200, body, "r-3", error)


@pytest.mark.anyio
async def test_functions_without_a_handler_go_to_the_registered_invoker() -> None:
    api = InvokeApi({"notes": (b'{"id": "1"}', None)})
    registry = TaskRegistry()
    registry.register_lambda(ARN, greet)
    registry.register_lambda_invoker(api)
    notes = "arn:aws:lambda:us-east-1:123456789012:function:notes"
    assert await registry.invoke_function(notes, {"q": 1}, NOW) == {"id": "1"}
    # A registered handler still answers for its own function.
    assert await registry.invoke_function(ARN, {"name": "Ada"}, NOW) == {
        "hello": "Ada",
        "function": "greet",
    }
    response = await registry.invoke({"FunctionName": "notes", "Payload": [1, 2]}, NOW)
    assert (response["StatusCode"], response["Payload"], response["ExecutedVersion"]) == (
        200,
        {"id": "1"},
        "$LATEST",
    )
    assert response["SdkResponseMetadata"] == {"RequestId": "r-3"}
    # Without Payload, Lambda's empty request; an Event answers 202 without ExecutedVersion.
    event = await registry.invoke({"FunctionName": notes, "InvocationType": "Event"}, NOW)
    assert (event["StatusCode"], event["Payload"], "ExecutedVersion" in event) == (202, "", False)
    assert api.calls == [
        (notes, b'{"q": 1}', "RequestResponse"),
        ("arn:aws:lambda:us-east-1:123456789012:function:notes", b"[1, 2]", "RequestResponse"),
        (notes, b"", "Event"),
    ]


@pytest.mark.anyio
async def test_an_invoked_functions_error_fails_the_task_with_its_error_type() -> None:
    failure = b'{"errorType": "NoteMissingError", "errorMessage": "gone", "trace": []}'
    api = InvokeApi({"fails": (failure, "Unhandled"), "quiet": (b'{"no": "type"}', "Unhandled")})
    registry = TaskRegistry()
    registry.register_lambda_invoker(api)
    for call in (
        registry.invoke_function("fails", {}, NOW),
        registry.invoke({"FunctionName": "fails"}, NOW),
    ):
        with pytest.raises(StatesError) as raised:
            await call
        assert (raised.value.error, raised.value.cause) == ("NoteMissingError", failure.decode())
    with pytest.raises(StatesError) as unknown:
        await registry.invoke_function("quiet", {}, NOW)
    # Step Functions dg, "Handle Lambda service exceptions": Lambda.Unknown without an errorType.
    assert unknown.value.error == "Lambda.Unknown"


@pytest.mark.anyio
async def test_the_invokers_refusal_is_the_lambda_exception_as_the_sdk_words_it() -> None:
    registry = TaskRegistry()
    registry.register_lambda_invoker(InvokeApi({}))
    with pytest.raises(StatesError) as raised:
        await registry.invoke({"FunctionName": "gone"}, NOW)
    assert raised.value.error == "Lambda.ResourceNotFoundException"
    assert raised.value.cause == (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:gone (Service: "
        "AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: r-1; "
        "Proxy: null)"
    )
