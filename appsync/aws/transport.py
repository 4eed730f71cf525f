"""The engine's boto3 clients reach the AWS endpoint in this process, without a socket.

Task states call DynamoDB, SQS, SNS, S3 and the rest through boto3 (`stepfunctions.integrations`),
in worker threads. `EndpointTransport` is their botocore `before-send` handler: it hands the
signed request to `AwsEndpoint.handle` on the server's event loop and returns the answer as
botocore's `AWSResponse`, so the request is verified like any client's (with the declared key the
clients sign with) and needs neither the server's port nor its TLS certificate.
"""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.requests import AwsRequest

# botocore is the engine's clients' (imported when their first call comes through).
if TYPE_CHECKING:
    from botocore.awsrequest import AWSPreparedRequest, AWSResponse

# Where the embedded services are, for the clients' URLs: an IP literal keeps S3 path-style.
EMBEDDED_URL = "http://127.0.0.1"
# A call the endpoint has not answered by then failed (botocore's own read timeout is 60 s).
_TIMEOUT_SECONDS = 120.0


class _Body:
    """What botocore reads a response body from (`stream()`, and `read()` for streaming
    outputs such as S3 GetObject's)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = True) -> Any:
        while chunk := self._data.read(amt):
            yield chunk

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        return self._data.read(amt)

    def close(self) -> None:
        self._data.close()


class EndpointTransport:
    """`RequestTransport` onto the AWS endpoint; `attach` it to the server's loop at start."""

    def __init__(self, endpoint: AwsEndpoint) -> None:
        self._endpoint = endpoint
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | None:
        loop = self._loop
        if loop is None:
            return None
        parts = urlsplit(request.url)
        body = _bytes(request.body)
        sent = {name.lower(): _text(value) for name, value in request.headers.items()}
        # botocore signs the host of the URL; urllib3 would send that header on the wire.
        sent.setdefault("host", parts.netloc)
        call = AwsRequest(
            request.method,
            parts.path or "/",
            parts.query,
            sent,
            body,
            "127.0.0.1",
        )
        future = asyncio.run_coroutine_threadsafe(self._endpoint.handle(call), loop)
        answer = future.result(_TIMEOUT_SECONDS)
        from botocore.awsrequest import AWSResponse
        from botocore.compat import HTTPHeaders

        headers = HTTPHeaders()
        for name, value in answer.headers:
            headers[name] = value
        return AWSResponse(request.url, answer.status, headers, _Body(answer.body))


def _text(value: object) -> str:
    # botocore's stubs type header values as text; some handlers set bytes.
    return value.decode() if isinstance(value, bytes) else str(value)


def _bytes(body: object) -> bytes:
    """A prepared request's body (bytes, text, or a file object such as S3 uploads') as bytes."""
    read = getattr(body, "read", None)
    if read is not None:
        body = read()
    if isinstance(body, str):
        return body.encode()
    return bytes(body) if isinstance(body, bytes | bytearray) else b""
