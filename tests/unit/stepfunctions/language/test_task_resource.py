"""Task Resource ARNs are classified for the history events AWS writes for them."""

from __future__ import annotations

from stepfunctions.language.task_resource import ResourceKind, classify_resource

ARN = "arn:aws:lambda:us-east-1:123456789012:function:greet"


def test_resources_are_classified_for_their_history_events() -> None:
    assert classify_resource(ARN).kind is ResourceKind.LAMBDA_FUNCTION
    invoke = classify_resource("arn:aws:states:::lambda:invoke")
    assert (invoke.kind, invoke.resource_type, invoke.resource) == (
        ResourceKind.LAMBDA_INVOKE,
        "lambda",
        "invoke",
    )
    sqs = classify_resource("arn:aws:states:::sqs:sendMessage.waitForTaskToken")
    assert (sqs.resource_type, sqs.resource, sqs.pattern) == (
        "sqs",
        "sendMessage.waitForTaskToken",
        ".waitForTaskToken",
    )
    # AWS records the SDK integrations' resourceType as "aws-sdk:<service>" (TaskScheduled details
    # in the AWS-recorded error_handling/test_aws_sdk snapshots).
    sdk = classify_resource("arn:aws:states:::aws-sdk:s3:listBuckets")
    assert (sdk.resource_type, sdk.resource) == ("aws-sdk:s3", "listBuckets")
    activity = classify_resource("arn:aws:states:us-east-1:123456789012:activity:work")
    assert activity.kind is ResourceKind.ACTIVITY
