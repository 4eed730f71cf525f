"""`handler` sends `event["text"]` to the queues, the topic and the bucket its environment
names; `worker`, fed by a queue, sends each message's body upper-cased to the Done queue;
`alert`, subscribed to a topic, sends each message there with its subject."""

from __future__ import annotations

import os
from typing import Any

import boto3


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    text = event["text"]
    sqs = boto3.client("sqs")
    sent = sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=text)
    sqs.send_message(QueueUrl=os.environ["ORDERED_URL"], MessageBody=text, MessageGroupId="g")
    boto3.client("sns").publish(TopicArn=os.environ["TOPIC_ARN"], Message=text)
    put = boto3.client("s3").put_object(Bucket=os.environ["BUCKET"], Key="note.txt", Body=text)
    return {"messageId": sent["MessageId"], "versionId": put.get("VersionId")}


def worker(event: dict[str, Any], context: Any) -> None:
    sqs = boto3.client("sqs")
    for record in event["Records"]:
        sqs.send_message(QueueUrl=os.environ["DONE_URL"], MessageBody=record["body"].upper())


def alert(event: dict[str, Any], context: Any) -> None:
    sqs = boto3.client("sqs")
    for record in event["Records"]:
        notification = record["Sns"]
        body = f"{notification['Subject']}: {notification['Message']}"
        sqs.send_message(QueueUrl=os.environ["DONE_URL"], MessageBody=body)
