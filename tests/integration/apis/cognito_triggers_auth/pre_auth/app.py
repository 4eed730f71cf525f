"""PreAuthentication: a user named `blocked` may not sign in."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["userName"] == "blocked":
        raise PermissionError("this account is blocked")
    return event
