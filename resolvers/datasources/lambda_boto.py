"""Functions behind another Lambda endpoint (`sam local start-lambda`, LocalStack, another
appsync-local), invoked with botocore's Lambda `Invoke`: the `FunctionInvoker` of a data source
whose `lambdaConfig` names an `endpoint` beside its `lambdaFunctionArn`.

boto3 blocks, so each call runs in a worker thread. botocore gives the Invoke API's answer as
`Payload` (a stream), `FunctionError` and `StatusCode`
(https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html); a refusal of Lambda's API is
its error code and message. Without credentials in the environment it signs with placeholders,
which a local endpoint accepts.
"""

from __future__ import annotations

import asyncio
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from resolvers.datasources.lambda_invoke import InvokeAnswer
from resolvers.errors import LambdaApiError

_LOCAL_CREDENTIAL = "local"
# botocore's own read timeout is 60 s; a function may run for 15 minutes, AppSync waits 30 s.
_READ_TIMEOUT_SECONDS = 900


class BotoFunctions:
    """`FunctionInvoker` over a boto3 Lambda client for `endpoint`."""

    __slots__ = ("_client", "endpoint")

    def __init__(self, region: str, endpoint: str) -> None:
        self.endpoint = endpoint
        session = boto3.session.Session()
        placeholder = None if session.get_credentials() is not None else _LOCAL_CREDENTIAL
        self._client: Any = session.client(
            "lambda",
            region_name=region,
            endpoint_url=endpoint,
            # AppSync does not retry a failed data source call for the resolver.
            config=Config(
                retries={"max_attempts": 1, "mode": "standard"},
                read_timeout=_READ_TIMEOUT_SECONDS,
            ),
            aws_access_key_id=placeholder,
            aws_secret_access_key=placeholder,
        )

    async def invoke(
        self, function_name: str, payload: bytes, *, asynchronous: bool = False
    ) -> InvokeAnswer:
        kind = "Event" if asynchronous else "RequestResponse"
        return await asyncio.to_thread(self._invoke, function_name, payload, kind)

    def _invoke(self, function_name: str, payload: bytes, kind: str) -> InvokeAnswer:
        try:
            response = self._client.invoke(
                FunctionName=function_name, Payload=payload, InvocationType=kind
            )
            body: bytes = response["Payload"].read()
        except ClientError as error:
            details = error.response.get("Error", {})
            code = str(details.get("Code") or "ServiceException")
            raise LambdaApiError(code, str(details.get("Message") or error)) from error
        except BotoCoreError as error:
            # The endpoint did not answer (not started, wrong port): the call itself failed.
            raise LambdaApiError(type(error).__name__, str(error)) from error
        return InvokeAnswer(body, response.get("FunctionError"))

    def close(self) -> None:
        self._client.close()
