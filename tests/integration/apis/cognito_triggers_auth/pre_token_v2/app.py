"""PreTokenGeneration V2_0: a `tier` claim in the ID token, a `tenant` claim and a scope in the
access token, which also loses the admin scope; the event's version and scopes recorded in a
claim."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "idTokenGeneration": {
            "claimsToAddOrOverride": {
                "tier": "gold",
                "seen": f"{event['version']}:{' '.join(event['request']['scopes'])}",
            }
        },
        "accessTokenGeneration": {
            "claimsToAddOrOverride": {"tenant": "t-9"},
            "scopesToAdd": ["posts/read"],
            "scopesToSuppress": ["aws.cognito.signin.user.admin"],
        },
    }
    return event
