"""A Lambda function the templates declare: read into the definition, not run yet."""

from typing import Any


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return {"echo": event.get("arguments")}
