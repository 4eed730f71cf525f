"""A function behind another Lambda endpoint, invoked with botocore's Invoke: the request
botocore sends (`POST /2015-03-31/functions/<FunctionName>/invocations`, `X-Amz-Invocation-Type`)
and what it makes of the Invoke API's answers (Lambda API reference, Invoke: the payload,
`X-Amz-Function-Error`; an error's `x-amzn-ErrorType` and message), played by a loopback
listener."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from resolvers.datasources.lambda_boto import BotoFunctions
from resolvers.errors import LambdaApiError
from tests.fixtures.loopback import free_port
from tests.unit.resolvers.datasources.http_listener import serve

ARN = "arn:aws:lambda:us-east-1:123456789012:function:notes"


@pytest.mark.anyio
@pytest.mark.timeout(20)
async def test_invoke_sends_the_payload_and_reads_the_answer() -> None:
    with serve() as endpoint:
        functions = BotoFunctions("us-east-1", endpoint.url)
        endpoint.answer = (200, {"X-Amz-Function-Error": "Unhandled"}, b'{"errorMessage": "x"}')
        answer = await functions.invoke(ARN, b'{"id": "1"}')
        endpoint.answer = (202, {}, b"")
        queued = await functions.invoke(ARN, b"{}", asynchronous=True)
        functions.close()
    assert (answer.payload, answer.function_error) == (b'{"errorMessage": "x"}', "Unhandled")
    assert (queued.payload, queued.function_error) == (b"", None)
    first, second = endpoint.requests
    assert (first.method, unquote(first.path)) == (
        "POST",
        f"/2015-03-31/functions/{ARN}/invocations",
    )
    assert first.body == b'{"id": "1"}'
    assert first.headers["X-Amz-Invocation-Type"] == "RequestResponse"
    assert second.headers["X-Amz-Invocation-Type"] == "Event"
    assert first.headers["Authorization"].startswith("AWS4-HMAC-SHA256 ")


@pytest.mark.anyio
@pytest.mark.timeout(20)
async def test_a_refusal_and_an_endpoint_that_does_not_answer_are_lambda_api_errors() -> None:
    with serve() as endpoint:
        functions = BotoFunctions("us-east-1", endpoint.url)
        endpoint.answer = (
            404,
            {"x-amzn-ErrorType": "ResourceNotFoundException"},
            b'{"Type": "User", "message": "Function not found: ' + ARN.encode() + b'"}',
        )
        with pytest.raises(LambdaApiError) as missing:
            await functions.invoke(ARN, b"{}")
    assert (missing.value.code, missing.value.message) == (
        "ResourceNotFoundException",
        f"Function not found: {ARN}",
    )
    assert missing.value.error_type == "Lambda:ResourceNotFoundException"
    nowhere = BotoFunctions("us-east-1", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(LambdaApiError) as unreachable:
        await nowhere.invoke(ARN, b"{}")
    assert unreachable.value.code == "EndpointConnectionError"
