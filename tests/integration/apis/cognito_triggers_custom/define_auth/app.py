"""DefineAuthChallenge of a passwordless sign-in, as the AWS samples write it: a custom challenge
until one answer is right (tokens) or three are wrong (failure); a client that starts with SRP
(Amplify's CUSTOM_WITH_SRP) verifies its password first."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    session = event["request"]["session"]
    response = event["response"]
    last = session[-1] if session else {"challengeName": None}
    answers = [entry for entry in session if entry["challengeName"] == "CUSTOM_CHALLENGE"]
    wrong_password = last["challengeName"] == "PASSWORD_VERIFIER" and not last["challengeResult"]
    if last["challengeName"] == "SRP_A":
        response.update(
            challengeName="PASSWORD_VERIFIER", issueTokens=False, failAuthentication=False
        )
    elif answers and answers[-1]["challengeResult"] is True and not wrong_password:
        response.update(issueTokens=True, failAuthentication=False)
    elif wrong_password or (event["request"]["userNotFound"] and answers) or len(answers) >= 3:
        response.update(issueTokens=False, failAuthentication=True)
    else:
        response.update(
            challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False
        )
    return event
