"""PreAuthentication: a sign-in of a user not found (the client hides which users exist) named
`ghost-*` is refused with a message naming it; every other one passes."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["request"]["userNotFound"] and event["userName"].startswith("ghost-"):
        raise LookupError(f"no such user {event['userName']}")
    return event
