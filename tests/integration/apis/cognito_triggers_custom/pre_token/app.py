"""PreTokenGeneration: the trigger source that issued the tokens, as a claim."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"via": event["triggerSource"]}
    }
    return event
