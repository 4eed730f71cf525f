"""PostAuthentication: each sign-in counted, with the event's trigger source."""

import os
from typing import Any

import boto3

events = boto3.client("dynamodb")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    events.update_item(
        TableName=os.environ["EVENTS"],
        Key={"id": {"S": f"sign-in#{event['userName']}"}},
        UpdateExpression="ADD times :one SET #source = :source",
        ExpressionAttributeNames={"#source": "source"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":source": {"S": event["triggerSource"]}},
    )
    return event
