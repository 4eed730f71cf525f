"""The Lambda authorizer of test_auth_lambda.py, written as an AppSync authorizer Lambda is.

Tokens are `<kind>-<user>`: `allow` is authorized, `limited` is authorized with two denied
fields (one as `Type.field`, one as a field ARN), `fresh` is authorized with `ttlOverride: 0`,
anything else is refused. The resolver context reports what the event carried and how many
times the function ran, so the tests can see caching.
"""

import json
from typing import Any

CALLS = 0


def authorize(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global CALLS
    CALLS += 1
    kind, _, user = str(event["authorizationToken"]).partition("-")
    request = event["requestContext"]
    answer: dict[str, Any] = {
        "isAuthorized": kind in ("allow", "limited", "fresh"),
        "resolverContext": {
            "user": user,
            "call": str(CALLS),
            "operationName": str(request["operationName"]),
            "queryString": request["queryString"],
            "variables": json.dumps(request["variables"]),
            "userAgent": event["requestHeaders"].get("user-agent", ""),
            "functionName": context.function_name,
        },
    }
    if kind == "limited":
        answer["deniedFields"] = [
            "Query.secret",
            "arn:aws:appsync:us-east-1:000000000000:apis/local/types/Profile/fields/email",
        ]
    if kind == "fresh":
        answer["ttlOverride"] = 0
    return answer
