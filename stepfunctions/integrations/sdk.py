"""AWS SDK integrations: `arn:aws:states:::aws-sdk:<service>:<action>` through boto3.

The action is the API operation in camelCase (`query`, `listObjectsV2`); parameters are the
operation's request members in PascalCase and the answer is the response with its structure
members in PascalCase, without SDK metadata (dg "Use AWS SDK service integrations"). Supported
patterns are request-response and `.waitForTaskToken`; `.sync` is not available for SDK
integrations (dg `integrate-optimized`). A refusal is named `<SdkV2Service>.<Exception>`.

A blob member given JSON that is not a string (`aws-sdk:lambda:invoke`'s `Payload` as an
object, the form AWS's Lambda examples write it in) goes as that JSON's text, as Step Functions
serializes it; a string goes as it is. An
answer's streaming blob (Invoke's `Payload`) comes back as text: "The Payload field of the
response is parsed from escaped Json to Json" only in the optimized integration (dg "Invoke
Lambda with Step Functions", connect-lambda.html).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from stepfunctions.errors import StatesError
from stepfunctions.integrations.aws import AwsClients, json_ready, sdk_error
from stepfunctions.integrations.base import parameters_of
from stepfunctions.integrations.errors import IntegrationCallError
from stepfunctions.runtime.service_integration import Pattern, TaskCall

# botocore, imported by the first SDK Task (see `integrations.aws`).
if TYPE_CHECKING:
    from botocore.model import Shape

_PATTERNS = frozenset({Pattern.REQUEST_RESPONSE, Pattern.WAIT_FOR_TASK_TOKEN})


class AwsSdkIntegration:
    """Every operation of one boto3 service, as an AWS SDK integration."""

    def __init__(self, service: str, clients: AwsClients) -> None:
        self.service = service
        self._clients = clients

    def supports(self, action: str, pattern: Pattern, sdk: bool) -> bool:
        if not sdk or pattern not in _PATTERNS or not action[:1].islower():
            return False
        return self._clients.operation_name(self.service, action) is not None

    async def call(self, request: TaskCall) -> Any:
        operation = self._clients.operation_name(self.service, request.action)
        if operation is None:
            raise StatesError(
                "States.Runtime",
                f"The resource 'arn:aws:states:::aws-sdk:{self.service}:{request.action}' "
                "is not recognized.",
            )
        model = self._clients.client(self.service).meta.service_model.operation_model(operation)
        parameters = parameters_of(request)
        if model.input_shape is not None:
            parameters = _to_request(parameters, model.input_shape)
        try:
            response = await self._clients.call(self.service, operation, parameters, request.clock)
        except IntegrationCallError as error:
            raise sdk_error(self._clients, self.service, error) from error
        response.pop("ResponseMetadata", None)
        if model.output_shape is None:
            return {}
        return json_ready(_to_answer(response, model.output_shape), iso_dates=True)


def _to_request(value: Any, shape: Shape) -> Any:
    """Match parameter names to the model's members whatever their case (`TableName`,
    `tableName`), so PascalCase ASL reaches camelCase APIs such as Step Functions' own."""
    from botocore.model import ListShape, MapShape, StructureShape

    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members = {name.lower(): (name, member) for name, member in shape.members.items()}
        converted: dict[str, Any] = {}
        for key, item in value.items():
            found = members.get(key.lower())
            if found is None:
                converted[key] = item  # boto3 reports the unknown parameter
            else:
                converted[found[0]] = _to_request(item, found[1])
        return converted
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_to_request(item, shape.member) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: _to_request(item, shape.value) for key, item in value.items()}
    if shape.type_name == "blob" and not isinstance(value, str):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def _to_answer(value: Any, shape: Shape) -> Any:
    """Structure members in PascalCase; map keys (DynamoDB attribute names ...) unchanged."""
    from botocore.model import ListShape, MapShape, StructureShape

    if isinstance(shape, StructureShape) and isinstance(value, dict):
        answer: dict[str, Any] = {}
        for key, item in value.items():
            member = shape.members.get(key)
            answer[_sdk_v2_name(key)] = item if member is None else _to_answer(item, member)
        return answer
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_to_answer(item, shape.member) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: _to_answer(item, shape.value) for key, item in value.items()}
    return value


def _sdk_v2_name(member: str) -> str:
    """A member as the AWS SDK for Java v2 names it: words capitalised, acronyms included
    (`MD5OfMessageBody` -> `Md5OfMessageBody`, `QueueUrl` stays)."""
    from botocore import xform_name

    return "".join(word.capitalize() for word in xform_name(member).split("_"))
