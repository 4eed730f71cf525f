"""The matrix API's Lambda authorizer: `allow-<user>` is authorized, anything else is not."""

from typing import Any


def authorize(event: dict[str, Any]) -> dict[str, Any]:
    token = str(event["authorizationToken"])
    return {"isAuthorized": token.startswith("allow-"), "resolverContext": {"user": token[6:]}}
