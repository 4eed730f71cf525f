"""The orders example's activity worker: a boto3 loop written as the Step Functions docs show.

    .venv/bin/python examples/orders/worker.py http://127.0.0.1:20002

It polls `reserve-stock` with GetActivityTask (a long poll of up to 60 seconds, so the client's
read timeout is longer), reserves up to 10 units and answers SendTaskSuccess, and refuses more
with SendTaskFailure `OutOfStock`. Any endpoint serving the Step Functions API works, real AWS too.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

import boto3
from botocore.config import Config

ACTIVITY_ARN = "arn:aws:states:us-east-1:123456789012:activity:reserve-stock"
STOCK = 10


def client(endpoint_url: str | None) -> Any:
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        # The local endpoint's declared keys (`serve` prints them); real AWS uses your own.
        aws_access_key_id="testing" if endpoint_url else None,
        aws_secret_access_key="testing" if endpoint_url else None,
        config=Config(read_timeout=65, retries={"max_attempts": 0}),
    )


def handle(order: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The outcome of one order: ("success", output) or ("failure", error and cause)."""
    if order["quantity"] > STOCK:
        return "failure", {"error": "OutOfStock", "cause": f"only {STOCK} of {order['sku']}"}
    return "success", {"warehouse": "local-1", "reserved": order["quantity"]}


def work(sfn: Any, stop: threading.Event | None = None, max_tasks: int | None = None) -> int:
    """Poll and answer tasks until `stop` is set or `max_tasks` were done; returns the count."""
    done = 0
    while (stop is None or not stop.is_set()) and (max_tasks is None or done < max_tasks):
        task = sfn.get_activity_task(activityArn=ACTIVITY_ARN, workerName="orders-worker")
        token = task.get("taskToken")
        if not token:
            continue  # the long poll ended without a task
        outcome, detail = handle(json.loads(task["input"]))
        if outcome == "success":
            sfn.send_task_success(taskToken=token, output=json.dumps(detail))
        else:
            sfn.send_task_failure(taskToken=token, error=detail["error"], cause=detail["cause"])
        done += 1
    return done


if __name__ == "__main__":
    work(client(sys.argv[1] if len(sys.argv) > 1 else None))
