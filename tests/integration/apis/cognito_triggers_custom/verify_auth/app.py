"""VerifyAuthChallengeResponse: the answer is right when it is the private code; `crash` fails."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    answer = event["request"]["challengeAnswer"]
    if answer == "crash":
        raise RuntimeError("cannot check this answer")
    expected = event["request"]["privateChallengeParameters"]["code"]
    event["response"]["answerCorrect"] = answer == expected
    return event
