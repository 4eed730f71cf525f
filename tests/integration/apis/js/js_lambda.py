"""The Lambda function behind the `Echo` data source: what it was sent, and how many calls."""

from typing import Any

CALLS: list[Any] = []


def handler(event: Any, context: Any) -> Any:
    CALLS.append(event)
    return {"received": event, "calls": len(CALLS)}
