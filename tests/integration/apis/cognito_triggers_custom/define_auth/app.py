"""DefineAuthChallenge of a passwordless sign-in, as the AWS samples write it: a custom challenge
until one answer is right (tokens) or three are wrong (failure)."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    session = event["request"]["session"]
    response = event["response"]
    if event["request"]["userNotFound"] and len(session) >= 1:
        response.update(issueTokens=False, failAuthentication=True)
    elif session and session[-1]["challengeResult"] is True:
        response.update(issueTokens=True, failAuthentication=False)
    elif len(session) >= 3:
        response.update(issueTokens=False, failAuthentication=True)
    else:
        response.update(
            challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False
        )
    return event
