"""AppSync's control plane on the AWS endpoint: the `appsync` signing name, botocore's `appsync`
2017-07-25 model, rest-json.

EvaluateCode (`POST /v1/dataplane-evaluatecode`) and EvaluateMappingTemplate (`POST
/v1/dataplane-evaluatetemplate`) are answered here, by `appsync.evaluation`, so boto3's
`appsync` client and `aws appsync evaluate-code --endpoint-url ...` unit-test resolver code
offline. The endpoint has verified the signature before this route sees the request, as
AppSync's control plane requires SigV4 for both. Every other control-plane call
(CreateGraphqlApi, ListGraphqlApis ...) goes on to moto's AppSync, which answered the whole
service before this route existed.

An answer is rest-json: 200 with the operation's JSON; an error with its type in
`x-amzn-ErrorType` and `{"message"}` (a 400 `BadRequestException` for a request AppSync would
not take).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

from appsync.aws.endpoint import ServiceRoute
from appsync.aws.errors import rest_json_error
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from resolvers.util.time import Clock
from schema import json_text
from schema.errors import JsonTextError

# The evaluation (the VTL and JavaScript runtimes) is imported by the first EvaluateCode or
# EvaluateMappingTemplate, not by every start of `serve` (issue 19).
if TYPE_CHECKING:
    from appsync.evaluation import BadRequestJson, EvaluationJson

logger = logging.getLogger(__name__)

BAD_REQUEST = "BadRequestException"


class AppSyncControlPlane:
    """`ServiceRoute` for `appsync`: the evaluation operations on `clock` (what `util.time`
    reads), the rest to `others`."""

    __slots__ = ("_clock", "_others")

    def __init__(self, clock: Clock, others: ServiceRoute) -> None:
        self._clock = clock
        self._others = others

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        from appsync.evaluation import OPERATIONS

        operation = OPERATIONS.get(call.operation or "")
        if operation is None:
            return await self._others.handle(request, call)
        try:
            body: Any = json_text.loads(request.body or b"{}")
        except JsonTextError:
            body = None
        if not isinstance(body, dict):
            return rest_json_error(400, BAD_REQUEST, "The request body must be a JSON object.")
        # A worker thread: the evaluation's own JavaScript context, its time limit, off the loop.
        status, answer = await asyncio.to_thread(operation, body, self._clock)
        logger.debug("%s -> %s", call.operation, status)
        return _answer(status, answer)


def _answer(status: int, answer: EvaluationJson | BadRequestJson) -> AwsResponse:
    if status != 200:
        message = answer.get("message")
        return rest_json_error(status, BAD_REQUEST, message if isinstance(message, str) else "")
    # Written as Java writes JSON: a lone surrogate from the client's context is escaped.
    body = json_text.dump_bytes(answer)
    headers = [("content-type", "application/json"), ("x-amzn-requestid", str(uuid.uuid4()))]
    return AwsResponse(200, body, headers)
