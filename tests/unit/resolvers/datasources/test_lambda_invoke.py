"""A Lambda function behind the `FunctionInvoker` seam, as AppSync reports its answers:

* the event is sent as compact JSON and the payload parsed as the result;
* a function error is `Lambda:Unhandled` with the error object's `errorMessage`, whatever its
  `errorType` (aws-appsync-community#209), which is `ctx.error.unhandledErrorType`
  (aws-appsync-community#386: `Sandbox.Timedout` for a function that timed out);
* `invocationType: Event` answers null at once;
* a refusal of Lambda's API is `Lambda:<exception name>`.

`InvokeApi` answers as Lambda's Invoke API does; the local Lambda runtime behind the same seam
is tested through the server in tests/integration/test_functions.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from resolvers.context import OperationScope, RequestInfo, ResolverContext, ResolverInfo
from resolvers.datasources.lambda_ import LambdaDataSource
from resolvers.datasources.lambda_invoke import InvokeAnswer, InvokedFunction, function_error
from resolvers.errors import DataSourceError, LambdaApiError
from resolvers.unit import run_data_source

TIMED_OUT = (
    b'{"errorMessage": "RequestId: 6f0c Error: Task timed out after 3.00 seconds", '
    b'"errorType": "Sandbox.Timedout"}'
)


class InvokeApi:
    """Lambda's Invoke API over a table of answers by function name."""

    def __init__(self, answers: dict[str, InvokeAnswer]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, bytes, bool]] = []

    async def invoke(
        self, function_name: str, payload: bytes, *, asynchronous: bool = False
    ) -> InvokeAnswer:
        self.calls.append((function_name, payload, asynchronous))
        if function_name not in self.answers:
            raise LambdaApiError(
                "ResourceNotFoundException", f"Function not found: {function_name}"
            )
        return self.answers[function_name]


def context(**overrides: Any) -> ResolverContext:
    values: dict[str, Any] = {
        "arguments": {},
        "source": None,
        "identity": None,
        "info": ResolverInfo("note", "Query", {}, [], ""),
        "request": RequestInfo(headers={}),
    }
    values.update(overrides)
    return ResolverContext(**values)


@pytest.mark.anyio
async def test_the_payload_is_the_result_and_an_event_answers_null() -> None:
    api = InvokeApi({"notes": InvokeAnswer(b'{"id": "1"}'), "empty": InvokeAnswer(b"")})
    source = LambdaDataSource("Notes", InvokedFunction(api, "notes"))
    request = {"operation": "Invoke", "payload": {"id": "1", "text": "é"}}
    assert await source.invoke(request, context()) == {"id": "1"}
    assert await source.invoke({**request, "invocationType": "Event"}, context()) is None
    assert await InvokedFunction(api, "empty").call({}) is None
    assert api.calls[:2] == [
        ("notes", b'{"id":"1","text":"\\u00e9"}', False),
        ("notes", b'{"id":"1","text":"\\u00e9"}', True),
    ]


@pytest.mark.anyio
async def test_a_function_error_is_lambda_unhandled_with_its_own_type_kept() -> None:
    api = InvokeApi({"slow": InvokeAnswer(TIMED_OUT, "Unhandled")})
    ctx = context()
    await run_data_source(
        LambdaDataSource("Slow", InvokedFunction(api, "slow")),
        {
            "operation": "Invoke",
            "payload": {},
        },
        ctx,
    )
    assert ctx.error is not None
    assert ctx.error.to_context() == {
        "message": "RequestId: 6f0c Error: Task timed out after 3.00 seconds",
        "type": "Lambda:Unhandled",
        "unhandledErrorType": "Sandbox.Timedout",
    }
    assert ctx.error.unhandledErrorType == "Sandbox.Timedout"


def test_error_objects_of_other_shapes() -> None:
    assert (function_error(b'"boom"').message, function_error(b'"boom"').error_type) == (
        '"boom"',
        "Lambda:Unhandled",
    )
    bare = function_error(b'{"errorType": 7}')
    assert (bare.message, bare.unhandled_error_type) == ("", None)


@pytest.mark.anyio
async def test_a_refused_call_is_the_lambda_exception() -> None:
    with pytest.raises(DataSourceError) as raised:
        await InvokedFunction(InvokeApi({}), "gone").call({})
    assert (raised.value.error_type, raised.value.message) == (
        "Lambda:ResourceNotFoundException",
        "Function not found: gone",
    )


@pytest.mark.anyio
async def test_a_batch_goes_as_one_list_and_a_failed_batch_fails_each_member() -> None:
    answers = {
        "batch": InvokeAnswer(b'[{"n": 0}, {"n": 1}]'),
        "failing": InvokeAnswer(b'{"errorMessage": "no", "errorType": "TypeError"}', "Unhandled"),
    }
    api = InvokeApi(answers)
    for name in answers:
        source = LambdaDataSource(name, InvokedFunction(api, name))
        scope = OperationScope()
        outcomes = await asyncio.gather(
            *(
                source.invoke(
                    {"operation": "BatchInvoke", "payload": {"i": i}},
                    context(operation=scope, max_batch_size=5),
                )
                for i in range(2)
            ),
            return_exceptions=True,
        )
        if name == "batch":
            assert outcomes == [{"n": 0}, {"n": 1}]
            assert api.calls[-1] == ("batch", b'[{"i":0},{"i":1}]', False)
        else:
            for outcome in outcomes:
                assert isinstance(outcome, DataSourceError)
                assert (outcome.error_type, outcome.unhandled_error_type) == (
                    "Lambda:Unhandled",
                    "TypeError",
                )
