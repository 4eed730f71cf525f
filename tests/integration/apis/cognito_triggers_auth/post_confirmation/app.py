"""PostConfirmation: which confirmation happened, by trigger source."""

import os
from typing import Any

import boto3

events = boto3.client("dynamodb")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    events.put_item(
        TableName=os.environ["EVENTS"],
        Item={
            "id": {"S": f"{event['triggerSource']}#{event['userName']}"},
            "status": {"S": event["request"]["userAttributes"]["cognito:user_status"]},
        },
    )
    return event
