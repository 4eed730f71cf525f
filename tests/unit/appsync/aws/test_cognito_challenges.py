"""The custom authentication flow's state, with real declared Python functions (one handler for
the three challenge triggers, by `triggerSource`) and moto's Cognito in process: the events carry
the session so far, the challenge's public parameters reach the client with `USERNAME`, the
private ones reach VerifyAuthChallengeResponse, and a session is answered once (Amazon Cognito
Developer Guide, "Custom authentication challenge Lambda triggers"). The whole flow through the
endpoint runs in tests/integration/test_cognito_custom_auth.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appsync.aws.cognito_challenges import CustomAuth
from appsync.aws.cognito_pools import Pool, TriggerCaller, TriggerFailedError
from appsync.aws.requests import AwsResponse
from appsync.functions_embedded import running
from tests.fixtures.trigger_functions import pool_with, trigger_function

pytestmark = pytest.mark.anyio

CODE = """
def handler(event, context):
    source, request, response = event["triggerSource"], event["request"], event["response"]
    if source == "DefineAuthChallenge_Authentication":
        session = request["session"]
        response["issueTokens"] = bool(session) and session[-1]["challengeResult"]
        response["challengeName"] = "CUSTOM_CHALLENGE"
    elif source == "CreateAuthChallenge_Authentication":
        response["publicChallengeParameters"] = {"seen": repr(request["session"])}
        response["privateChallengeParameters"] = {"code": 7}
        response["challengeMetadata"] = "first"
    else:
        private = request["privateChallengeParameters"]
        response["answerCorrect"] = request["challengeAnswer"] == private["code"]
    return event
"""


@pytest.fixture
def pool() -> Iterator[tuple[Pool, str]]:
    triggers = ("DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse")
    with pool_with(*triggers) as made:
        yield made


async def _issued(pool: Pool, body: dict[str, Any], issued: AwsResponse) -> AwsResponse:
    """What the route does after a sign-in (PostAuthentication, PreTokenGeneration): nothing
    here, the pool has neither."""
    return issued


async def _started(flow: CustomAuth, found: Pool, client_id: str) -> dict[str, Any]:
    """InitiateAuth CUSTOM_AUTH for ada: its answer."""
    response = await flow.initiate(found, {"AuthParameters": {"USERNAME": "ada"}}, client_id)
    started: dict[str, Any] = json.loads(response.body)
    return started


async def test_a_session_goes_round_once(tmp_path: Path, pool: tuple[Pool, str]) -> None:
    found, client_id = pool
    functions = trigger_function(tmp_path, CODE)
    flow = CustomAuth(TriggerCaller(functions), _issued)
    async with running(functions):
        started = await _started(flow, found, client_id)
        assert started["ChallengeParameters"] == {"seen": "[]", "USERNAME": "ada"}
        answer = {
            "ChallengeName": "CUSTOM_CHALLENGE",
            "Session": started["Session"],
            "ChallengeResponses": {"USERNAME": "ada", "ANSWER": "6"},
        }
        again = json.loads((await flow.respond(found, answer, client_id)).body)
        # The entry of the wrong answer: its metadata from CreateAuthChallenge, the private
        # code (a number in the function's answer) kept as a string.
        assert again["ChallengeParameters"]["seen"] == (
            "[{'challengeName': 'CUSTOM_CHALLENGE', 'challengeResult': False, "
            "'challengeMetadata': 'first'}]"
        )
        with pytest.raises(TriggerFailedError) as spent:
            await flow.respond(found, answer, client_id)
        assert (spent.value.code, spent.value.message) == (
            "NotAuthorizedException",
            "Invalid session for the user.",
        )
        right = {**answer, "Session": again["Session"]}
        right["ChallengeResponses"] = {"USERNAME": "ada", "ANSWER": "7"}
        with pytest.raises(TriggerFailedError) as elsewhere:
            await flow.respond(found, right, "another-client")
        assert elsewhere.value.code == "NotAuthorizedException"
        # A session refused for another client is spent too.
        with pytest.raises(TriggerFailedError):
            await flow.respond(found, right, client_id)


async def test_tokens_once_the_answer_is_right(tmp_path: Path, pool: tuple[Pool, str]) -> None:
    found, client_id = pool
    functions = trigger_function(tmp_path, CODE)
    flow = CustomAuth(TriggerCaller(functions), _issued)
    async with running(functions):
        started = await _started(flow, found, client_id)
        with pytest.raises(TriggerFailedError) as unanswered:
            await flow.respond(
                found,
                {"ChallengeName": "CUSTOM_CHALLENGE", "Session": started["Session"]},
                client_id,
            )
        assert unanswered.value.code == "InvalidParameterException"
        started = await _started(flow, found, client_id)
        answer = {
            "ChallengeName": "CUSTOM_CHALLENGE",
            "Session": started["Session"],
            "ChallengeResponses": {"USERNAME": "ada", "ANSWER": "7"},
        }
        signed_in = json.loads((await flow.respond(found, answer, client_id)).body)
        assert set(signed_in["AuthenticationResult"]) == {
            "IdToken",
            "AccessToken",
            "RefreshToken",
            "ExpiresIn",
            "TokenType",
        }
        with pytest.raises(TriggerFailedError) as missing:
            await flow.initiate(found, {"AuthParameters": {}}, client_id)
        assert missing.value.message == "Missing required parameter USERNAME"
