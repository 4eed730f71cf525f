"""Each change of a post, as its stream record says, kept in the index table."""

import json
import os
from typing import Any

import boto3

index = boto3.client("dynamodb")


def handler(event: dict[str, Any], context: Any) -> None:
    for record in event["Records"]:
        change = record["dynamodb"]
        key = change["Keys"]["id"]["S"]
        shape = {
            "eventName": record["eventName"],
            "eventSource": record["eventSource"],
            "eventVersion": record["eventVersion"],
            "eventSourceARN": record["eventSourceARN"],
            "awsRegion": record["awsRegion"],
            "keys": change["Keys"],
            "new": change.get("NewImage"),
            "old": change.get("OldImage"),
            "viewType": change["StreamViewType"],
            "created": type(change["ApproximateCreationDateTime"]).__name__,
            "batch": len(event["Records"]),
        }
        index.put_item(
            TableName=os.environ["INDEX"],
            Item={
                "id": {"S": f"{key}#{change['SequenceNumber']}"},
                "shape": {"S": json.dumps(shape)},
            },
        )
