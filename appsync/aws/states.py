"""Step Functions' API on the AWS endpoint: the embedded engine's `StepFunctionsService`.

boto3 and the AWS CLI POST with `X-Amz-Target: AWSStepFunctions.<Operation>` and
`Content-Type: application/x-amz-json-1.0`; the answer is JSON with the same content type, and an
error is `{"__type": "<Code>", "message": ...}` (botocore reads the code from `__type`).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Protocol

from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.0"


class StepFunctionsApi(Protocol):
    """`StepFunctionsService.handle`: an operation name and a JSON body in, status and body out."""

    async def handle(self, operation: str, body: bytes) -> tuple[int, dict[str, Any]]: ...


class StepFunctionsRoute:
    """`ServiceRoute` for `states`."""

    __slots__ = ("_service",)

    def __init__(self, service: StepFunctionsApi) -> None:
        self._service = service

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        operation = call.operation
        if operation is None:
            status, payload = (
                400,
                {
                    "__type": "UnknownOperationException",
                    "message": "Unknown operation (no X-Amz-Target)",
                },
            )
        else:
            status, payload = await self._service.handle(operation, request.body)
        return states_response(status, payload)


def states_response(status: int, body: dict[str, Any]) -> AwsResponse:
    headers = [("content-type", CONTENT_TYPE), ("x-amzn-requestid", str(uuid.uuid4()))]
    error_type = body.get("__type")
    if status >= 400 and isinstance(error_type, str):
        headers.append(("x-amzn-errortype", error_type))
    return AwsResponse(status, json.dumps(body, separators=(",", ":")).encode(), headers)
