"""PreSignUp: only example.test and trusted.test addresses sign up; trusted.test ones are
confirmed and their address verified at once."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    email = event["request"]["userAttributes"].get("email", "")
    domain = email.rsplit("@", 1)[-1]
    if domain not in ("example.test", "trusted.test"):
        raise Exception(f"{domain} addresses may not sign up")
    if domain == "trusted.test":
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
    return event
