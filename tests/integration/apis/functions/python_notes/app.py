"""Notes in the embedded DynamoDB, through boto3 (AWS_ENDPOINT_URL is the server's endpoint)."""

import os
from typing import Any

import boto3

TABLE = os.environ["NOTES_TABLE"]
dynamodb = boto3.client("dynamodb")


def get(note_id: str) -> Any:
    item = dynamodb.get_item(TableName=TABLE, Key={"id": {"S": note_id}}).get("Item")
    if item is None:
        return None
    return {"id": item["id"]["S"], "text": item["text"]["S"], "by": item["by"]["S"]}


def put(note_id: str, text: str) -> Any:
    item = {"id": {"S": note_id}, "text": {"S": text}, "by": {"S": "python"}}
    dynamodb.put_item(TableName=TABLE, Item=item)
    return get(note_id)


def answer(event: Any) -> Any:
    if "action" in event:  # a template's payload
        return put(event["id"], event["text"]) if event["action"] == "put" else get(event["id"])
    if event["info"]["parentTypeName"] == "NoteRef":
        return get(event["source"]["id"])
    return get(event["arguments"]["id"])


def handler(event: Any, context: Any) -> Any:
    if isinstance(event, list):  # BatchInvoke: one result per event, in order
        return [answer(item) for item in event]
    return answer(event)
