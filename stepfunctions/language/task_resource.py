"""A Task state's `Resource`, classified once at parse time.

The ARN says how the Task runs and which history events it writes: a Lambda function ARN
(`LambdaFunction*` events), the optimised `arn:aws:states:::lambda:invoke` or another
`arn:aws:states:::[aws-sdk:]<service>:<action>[.sync|.sync:2|.waitForTaskToken]` integration
(`Task*` events with the resourceType and resource AWS shows), or an activity ARN.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
_LAMBDA_ARN_PREFIX = "arn:aws:lambda:"


class ResourceKind(StrEnum):
    """How a Task state's Resource is run, which also decides its history events."""

    LAMBDA_FUNCTION = "lambda-function"  # LambdaFunctionScheduled/Started/Succeeded/Failed
    LAMBDA_INVOKE = "lambda-invoke"  # TaskScheduled/Started/Succeeded/Failed, resourceType lambda
    SERVICE = "service"  # any other arn:aws:states::: integration
    ACTIVITY = "activity"


@dataclass(frozen=True, slots=True)
class TaskResource:
    """A Task state's Resource, classified once at parse time."""

    arn: str
    kind: ResourceKind
    resource_type: str  # history's resourceType, e.g. "lambda"
    resource: str  # history's resource, e.g. "invoke"
    pattern: str  # "" (request-response), ".sync", ".sync:2" or ".waitForTaskToken"
    service: str = ""  # the integration's service, e.g. "dynamodb" (also for aws-sdk)
    action: str = ""  # the integration's action without the pattern, e.g. "putItem"
    sdk: bool = False  # the AWS SDK form `arn:aws:states:::aws-sdk:<service>:<action>`


def classify_resource(arn: str) -> TaskResource:
    """Split a Resource ARN into the parts the interpreter and its history events need."""
    if arn.startswith(_LAMBDA_ARN_PREFIX):
        return TaskResource(arn, ResourceKind.LAMBDA_FUNCTION, "lambda", arn, "")
    if arn.startswith("arn:aws:states:::"):
        rest = arn[len("arn:aws:states:::") :]
        pattern = ""
        for suffix in (".waitForTaskToken", ".sync:2", ".sync"):
            if rest.endswith(suffix):
                pattern, rest = suffix, rest[: -len(suffix)]
                break
        service, _, action = rest.partition(":")
        sdk = service == "aws-sdk"
        resource_type = service
        if sdk:
            service, _, action = action.partition(":")
            # History names an SDK integration's resourceType `aws-sdk:<service>`.
            resource_type = f"aws-sdk:{service}"
        kind = ResourceKind.LAMBDA_INVOKE if rest == "lambda:invoke" else ResourceKind.SERVICE
        return TaskResource(
            arn, kind, resource_type, action + pattern, pattern, service, action, sdk
        )
    if ":activity:" in arn:
        return TaskResource(arn, ResourceKind.ACTIVITY, "activity", arn, "")
    return TaskResource(arn, ResourceKind.SERVICE, "", arn, "")
