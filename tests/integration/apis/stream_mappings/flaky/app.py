"""Counts its calls for each job; fails on a job whose item says `fail`."""

import os
from typing import Any

import boto3

index = boto3.client("dynamodb")


def handler(event: dict[str, Any], context: Any) -> None:
    for record in event["Records"]:
        item = record["dynamodb"]["NewImage"]
        job = item["id"]["S"]
        index.update_item(
            TableName=os.environ["INDEX"],
            Key={"id": {"S": f"job#{job}"}},
            UpdateExpression="ADD calls :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
        if item.get("fail", {}).get("BOOL"):
            raise RuntimeError(f"job {job} cannot run")
