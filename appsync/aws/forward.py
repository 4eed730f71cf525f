"""How a worker of `serve --workers N` reaches what only the primary process runs.

The primary process holds the data directory and runs the embedded DynamoDB, the Step Functions
engine, Cognito and the rest of the one AWS endpoint; it serves them on a loopback port of its
own (`PrimaryServices.url`). A worker answers GraphQL and realtime itself, and reaches those
services as any AWS client does, signed with the endpoint's first declared key:

* its DynamoDB data sources without an `endpoint` call the primary's DynamoDB API through boto3
  (`PrimaryServices.dynamodb`); those with an `endpoint` keep it;
* its Step Functions data sources call the primary's engine over AWS JSON 1.0
  (`appsync.stepfunctions_embedded.build_step_functions`);
* an AWS API request that reaches the worker's port (boto3, the AWS CLI, a function's SDK, the
  console) is forwarded to the primary unchanged, Host header and signature included, and the
  primary's answer is streamed back (`ForwardedAws`), except one signed for the workers' own
  channel to the primary's vended credentials, which is answered as an unknown service;
* its AWS_IAM mode verifies the credentials the primary's identity pools vend by asking the
  primary for their keys (`PrimaryServices.identity_pool_credentials`,
  `appsync.aws.vended_credentials`).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.types import Receive, Scope, Send

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.errors import json_error, unknown_service
from appsync.aws.requests import AwsResponse, ServiceCall, WireProtocol
from appsync.aws.vended_credentials import SIGNING_NAME as WORKERS_SIGNING_NAME
from appsync.aws.vended_credentials import PrimaryCredentials
from auth.clock import Clock
from auth.request import AuthRequest
from auth.signature import signature_scope
from definition.model import AccessKey, DynamoDBConfig
from resolvers.datasources.dynamodb_wire import DynamoDBOperations

# What a worker alone uses (httpx, botocore, boto3) is imported where it is used: the primary
# process imports this module too, and importing those cost its start (issue 19).
if TYPE_CHECKING:
    import httpx
    from botocore.credentials import Credentials

# Headers that belong to one connection, not to the request (RFC 9110 7.6.1).
_HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"transfer-encoding", b"te", b"trailer", b"upgrade"}
)
# An AWS call the primary does not answer within this is answered 504 by the worker; Step
# Functions' long polls (GetActivityTask) wait up to 60 s, so more than that.
_FORWARD_TIMEOUT_SECONDS = 75.0


@dataclass(frozen=True, slots=True)
class PrimaryServices:
    """The primary's AWS endpoint as a worker reaches it: its loopback `url`, and the key
    requests to it are signed with (the endpoint's first declared one)."""

    url: str
    credentials: AccessKey

    @classmethod
    def on(cls, listener: socket.socket, credentials: AccessKey) -> PrimaryServices:
        """The primary serving on `listener` (a loopback socket)."""
        host, port = listener.getsockname()[:2]
        return cls(f"http://{host}:{port}", credentials)

    def dynamodb(self, config: DynamoDBConfig) -> DynamoDBOperations:
        """A DynamoDB data source's operations: the primary's embedded DynamoDB, unless the
        data source names an endpoint of its own."""
        from resolvers.datasources.dynamodb_boto import BotoDynamoDB
        from resolvers.datasources.dynamodb_tables import operations_for

        if config.endpoint is not None:
            return operations_for(config)
        key = (self.credentials.access_key_id, self.credentials.secret_access_key)
        return BotoDynamoDB(config.aws_region, self.url, key)

    def identity_pool_credentials(self, clock: Clock) -> PrimaryCredentials:
        """The credentials the primary's identity pools vend, as AWS_IAM verifies them;
        `clock`: the API's, on which they expire."""
        key = (self.credentials.access_key_id, self.credentials.secret_access_key)
        return PrimaryCredentials(self.url, key, clock)

    def botocore_credentials(self) -> Credentials:
        from botocore.credentials import Credentials

        return Credentials(self.credentials.access_key_id, self.credentials.secret_access_key)


class ForwardedAws:
    """ASGI: the AWS API requests a worker receives, answered by the primary (see above)."""

    __slots__ = ("_client", "_primary")

    claims = staticmethod(AwsEndpoint.claims)

    def __init__(self, primary: PrimaryServices) -> None:
        self._primary = primary
        # Made on first use, on the worker's event loop.
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        import httpx

        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self._primary.url, timeout=_FORWARD_TIMEOUT_SECONDS
            )
        signed_for = _signing_name(scope)
        if signed_for == WORKERS_SIGNING_NAME:
            # The primary answers it to its workers only; the public port does not serve it.
            call = ServiceCall(signed_for, signed_for, None, WireProtocol.JSON, "", True)
            await _answer(send, unknown_service(call))
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        headers = [(name, value) for name, value in scope["headers"] if name not in _HOP_BY_HOP]
        # The path as the client sent it (its signature covers the encoding), then the query.
        target = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        url = (target + b"?" + query if query else target).decode("latin-1")
        request = self._client.build_request(
            scope["method"], url, headers=headers, content=bytes(body)
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as error:
            reason = f"the primary process did not answer: {error}"
            await _answer(send, json_error(503, "ServiceUnavailableException", reason))
            return
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": [
                        (name, value)
                        for name, value in response.headers.raw
                        if name.lower() not in _HOP_BY_HOP
                    ],
                }
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def _signing_name(scope: Scope) -> str | None:
    """The service a request's SigV4 credential scope names, read without verifying it."""
    headers = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in scope["headers"]
        if name == b"authorization"
    }
    query = scope.get("query_string", b"").decode("latin-1")
    found = signature_scope(AuthRequest(scope["method"], scope["path"], headers, b"", query))
    return found[0] if found is not None else None


async def _answer(send: Send, response: AwsResponse) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
    ]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
