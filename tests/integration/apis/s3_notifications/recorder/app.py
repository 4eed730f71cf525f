"""`handler`, invoked by S3 with an event notification, sends the event to the queue its
environment names, for the test to read."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3


def handler(event: dict[str, Any], context: Any) -> None:
    boto3.client("sqs").send_message(QueueUrl=os.environ["SEEN_URL"], MessageBody=json.dumps(event))
