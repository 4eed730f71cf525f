"""A Lambda function the templates declare, which the local Lambda runtime runs."""

from typing import Any


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return {"echo": event.get("arguments")}
