"""Step Functions behind AppSync: the `StateMachineRunner` seam and a direct data source.

AppSync has no Step Functions data source. Real projects use an HTTP data source whose endpoint
is `https://states.<region>.amazonaws.com` (or `https://sync-states.<region>.amazonaws.com` for
StartSyncExecution), signed with SigV4 for the service `states`, and a request template that
sets `x-amz-target: AWSStepFunctions.StartExecution` (AWS blog "Invoke AWS services directly
from AWS AppSync"; CDK `HttpDataSource` example). `resolvers.datasources.http` routes that form
to a `StateMachineRunner` instead of the network.

`resolvers` may not import the engine, so it names what it needs here: something that takes an
AWS JSON 1.0 operation name and its request object and answers with an HTTP status and the
response object, as `stepfunctions.service.StepFunctionsService.handle` does. `appsync/app.py`
fills it with the embedded engine, or with `http.HttpStateMachineRunner` for real AWS.

`StepFunctionsDataSource` is a local convenience (`type: AWS_STEP_FUNCTIONS`) with no AWS
counterpart: its request document names the operation and carries the API's own request
fields, its result is the API's response object, and an API error is `ctx.error` with the type
`StepFunctions:<code>` (as DynamoDB's are `DynamoDB:<code>`). Deploying such an API to AppSync
means rewriting those resolvers for the HTTP form, so the README recommends the HTTP form.
"""

from __future__ import annotations

import json
from typing import Any, Final, Protocol

from resolvers.context import ResolverContext
from resolvers.errors import DataSourceError, ResolverError

TARGET_PREFIX: Final = "AWSStepFunctions."
CONTENT_TYPE: Final = "application/x-amz-json-1.0"
START_EXECUTION: Final = "StartExecution"
START_SYNC_EXECUTION: Final = "StartSyncExecution"
DESCRIBE_EXECUTION: Final = "DescribeExecution"
# The operations the direct data source accepts; the HTTP form passes any operation through.
OPERATIONS: Final = (START_EXECUTION, START_SYNC_EXECUTION, DESCRIBE_EXECUTION)
_VERSIONS = ("2017-02-28", "2018-05-29")
_ERROR_PREFIX = "StepFunctions:"


class StateMachineRunner(Protocol):
    """The Step Functions API as resolvers reach it.

    `call("StartExecution", {"stateMachineArn": ..., "input": "{...}"})` returns `(200,
    {"executionArn": ..., "startDate": ...})`; an API error is a non-200 status with AWS's JSON
    error body `{"__type": "<code>", "message": ...}`. It does not raise for API errors.
    """

    async def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]: ...


def error_code(body: dict[str, Any]) -> str:
    """The error code of an AWS JSON 1.0 error body.

    Real AWS may qualify it (`com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist`);
    botocore keeps the part after `#`, and so does this.
    """
    code = body.get("__type")
    if not isinstance(code, str) or not code:
        return "InternalFailure"
    return code.rpartition("#")[2]


def error_message(body: dict[str, Any]) -> str:
    message = body.get("message", body.get("Message"))
    return message if isinstance(message, str) else ""


class StepFunctionsDataSource:
    """A `type: AWS_STEP_FUNCTIONS` data source (local only; see the module docstring).

    Request document: `{"version": "2018-05-29", "operation": "StartExecution" |
    "StartSyncExecution" | "DescribeExecution", ...the operation's request fields}`. An `input`
    that is not a string is serialized to JSON, because the API takes the input as a JSON
    string. `stateMachineArn` defaults to the data source's own, when it has one.
    """

    __slots__ = ("_name", "_runner", "_state_machine_arn")

    def __init__(
        self, name: str, runner: StateMachineRunner, state_machine_arn: str | None = None
    ) -> None:
        self._name = name
        self._runner = runner
        self._state_machine_arn = state_machine_arn

    @property
    def name(self) -> str:
        return self._name

    @property
    def state_machine_arn(self) -> str | None:
        return self._state_machine_arn

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any:
        operation, body = self._request(request)
        status, answer = await self._runner.call(operation, body)
        if status != 200:
            raise DataSourceError(error_message(answer), _ERROR_PREFIX + error_code(answer))
        return answer

    def _request(self, request: Any) -> tuple[str, dict[str, Any]]:
        if not isinstance(request, dict):
            raise ResolverError("A Step Functions request must be an object.", "MappingTemplate")
        version = request.get("version")
        if version is not None and version not in _VERSIONS:
            raise ResolverError(f"Unsupported version '{version}'.", "MappingTemplate")
        operation = request.get("operation")
        if operation not in OPERATIONS:
            raise ResolverError(
                f"Unsupported operation '{operation}'. Expected one of {', '.join(OPERATIONS)}.",
                "MappingTemplate",
            )
        body = {key: value for key, value in request.items() if key not in ("version", "operation")}
        if "input" in body and not isinstance(body["input"], str):
            body["input"] = json.dumps(body["input"], separators=(",", ":"))
        default = self._state_machine_arn
        if operation != DESCRIBE_EXECUTION and "stateMachineArn" not in body and default:
            body["stateMachineArn"] = default
        return str(operation), body
