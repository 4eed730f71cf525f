"""A Lambda function the templates declare, run by the local Lambda runtime (a copy of
../../functions/echo/app.py, as `cdk synth` stages it)."""

from typing import Any


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return {"echo": event.get("arguments")}
