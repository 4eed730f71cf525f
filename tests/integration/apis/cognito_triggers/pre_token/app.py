"""PreTokenGeneration (V1_0): a `plan` claim in the ID token, the `members` group in both
tokens, and no `email` claim."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"plan": "pro", "sub": "not-allowed"},
        "claimsToSuppress": ["email"],
        "groupOverrideDetails": {"groupsToOverride": ["members"]},
    }
    return event
