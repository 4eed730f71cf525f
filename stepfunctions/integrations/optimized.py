"""The optimized DynamoDB, SQS and SNS integrations, through boto3.

Actions, their parameters and patterns follow the developer guide's pages "Perform DynamoDB CRUD
operations with Step Functions" (getItem, putItem, updateItem, deleteItem: request-response),
"Send messages to an Amazon SQS queue" (sendMessage: request-response and `.waitForTaskToken`)
and "Publish messages to an Amazon SNS topic" (publish: request-response and
`.waitForTaskToken`). The answer is the service's response plus the Java SDK's
`SdkHttpMetadata` / `SdkResponseMetadata`; SQS's `MessageBody` and SNS's `Message` may be JSON
values, which Step Functions sends as JSON text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.integrations.aws import AwsClients, optimized_answer, optimized_error
from stepfunctions.integrations.base import parameters_of
from stepfunctions.integrations.errors import IntegrationCallError
from stepfunctions.runtime.service_integration import Pattern, TaskCall

_REQUEST = frozenset({Pattern.REQUEST_RESPONSE})
_CALLBACK = frozenset({Pattern.REQUEST_RESPONSE, Pattern.WAIT_FOR_TASK_TOKEN})
_WRITE_FIELDS = frozenset(
    {
        "TableName",
        "ConditionalOperator",
        "ConditionExpression",
        "Expected",
        "ExpressionAttributeNames",
        "ExpressionAttributeValues",
        "ReturnConsumedCapacity",
        "ReturnItemCollectionMetrics",
        "ReturnValues",
        "ReturnValuesOnConditionCheckFailure",
    }
)


@dataclass(frozen=True, slots=True)
class Action:
    operation: str  # the API operation boto3 calls
    patterns: frozenset[Pattern]
    fields: frozenset[str]  # the parameters Step Functions passes on
    json_text_field: str | None = None  # a field a JSON value is sent as JSON text in


ACTIONS: dict[str, dict[str, Action]] = {
    "dynamodb": {
        "getItem": Action(
            "GetItem",
            _REQUEST,
            frozenset(
                {
                    "Key",
                    "TableName",
                    "AttributesToGet",
                    "ConsistentRead",
                    "ExpressionAttributeNames",
                    "ProjectionExpression",
                    "ReturnConsumedCapacity",
                }
            ),
        ),
        "putItem": Action("PutItem", _REQUEST, _WRITE_FIELDS | {"Item"}),
        "deleteItem": Action("DeleteItem", _REQUEST, _WRITE_FIELDS | {"Key"}),
        "updateItem": Action(
            "UpdateItem", _REQUEST, _WRITE_FIELDS | {"Key", "AttributeUpdates", "UpdateExpression"}
        ),
    },
    "sqs": {
        "sendMessage": Action(
            "SendMessage",
            _CALLBACK,
            frozenset(
                {
                    "QueueUrl",
                    "MessageBody",
                    "DelaySeconds",
                    "MessageAttributes",
                    "MessageDeduplicationId",
                    "MessageGroupId",
                }
            ),
            json_text_field="MessageBody",
        ),
    },
    "sns": {
        "publish": Action(
            "Publish",
            _CALLBACK,
            frozenset(
                {
                    "Message",
                    "MessageAttributes",
                    "MessageStructure",
                    "MessageDeduplicationId",
                    "MessageGroupId",
                    "PhoneNumber",
                    "Subject",
                    "TargetArn",
                    "TopicArn",
                }
            ),
            json_text_field="Message",
        ),
    },
}


class OptimizedIntegration:
    """`arn:aws:states:::<service>:<action>` for DynamoDB, SQS or SNS."""

    def __init__(self, service: str, clients: AwsClients) -> None:
        self.service = service
        self._actions = ACTIONS[service]
        self._clients = clients

    def supports(self, action: str, pattern: Pattern, sdk: bool) -> bool:
        known = self._actions.get(action)
        return not sdk and known is not None and pattern in known.patterns

    async def call(self, request: TaskCall) -> Any:
        action = self._actions[request.action]
        parameters = parameters_of(request)
        for name in parameters:
            if name not in action.fields:
                # AWS differs: AWS refuses such a definition at creation; here the state fails.
                raise StatesError(
                    "States.Runtime",
                    f"The field '{name}' is not supported by Step Functions",
                )
        text_field = action.json_text_field
        if text_field is not None and text_field in parameters:
            value = parameters[text_field]
            if not isinstance(value, str):
                parameters[text_field] = json.dumps(value, separators=(",", ":"))
        try:
            response = await self._clients.call(
                self.service, action.operation, parameters, request.clock
            )
        except IntegrationCallError as error:
            raise optimized_error(self._clients, self.service, error) from error
        return optimized_answer(response)
