"""A USER_SRP_AUTH session lasts the app client's `AuthSessionValidity` on the API's clock.

Cognito's app client setting: "Amazon Cognito creates a session token for each API request in an
authentication flow. AuthSessionValidity is the duration, in minutes, of that session token. Your
user pool native user must respond to each authentication challenge before the session expires"
(CreateUserPoolClient / UserPoolClientType; 3 to 15 minutes, 3 by default). Cognito refuses a
late answer with NotAuthorizedException "Invalid session for the user, session is expired.".
Signed in by pycognito's `AWSSRP` over boto3, and by the custom authentication flow's sessions
(the same setting); the server runs on a manual clock, as `serve --clock manual` does, so the
session expires without waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from appsync.app import build_app
from appsync.clock import ManualClock
from definition.formats import read_definition
from tests.fixtures.aws_signing import aws_client
from tests.fixtures.cognito_pools import confirmed_user, user_pool
from tests.integration.conftest import APIS, Server, running, serve, write_whoami_api

PASSWORD = "Correct-Horse-9-Battery"


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("srp-session")
    api = write_whoami_api(folder, "srp-session", {"authenticationType": "API_KEY"})
    with serve(api, clock) as running:
        yield running


@pytest.fixture(scope="module")
def pool(server: Server) -> tuple[Any, str, str]:
    made = user_pool(f"http://{server.host}:{server.port}", "session", ["ALLOW_USER_SRP_AUTH"])
    confirmed_user(made[0], made[1], "ada", PASSWORD)
    return made


def _answer_after(
    idp: Any, pool_id: str, client_id: str, clock: ManualClock, seconds: float
) -> dict[str, Any]:
    """InitiateAuth, then the PASSWORD_VERIFIER answer `seconds` later on the API's clock."""
    client = AWSSRP("ada", PASSWORD, pool_id, client_id, client=idp)
    started = idp.initiate_auth(
        AuthFlow="USER_SRP_AUTH", AuthParameters=client.get_auth_params(), ClientId=client_id
    )
    answer = client.process_challenge(started["ChallengeParameters"], client.get_auth_params())
    clock.advance(seconds)
    result: dict[str, Any] = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=answer,
        Session=started["Session"],
    )
    return result


def test_an_answer_within_three_minutes_signs_in(
    pool: tuple[Any, str, str], clock: ManualClock
) -> None:
    idp, pool_id, client_id = pool
    assert "AuthenticationResult" in _answer_after(idp, pool_id, client_id, clock, 179)


def test_an_answer_after_three_minutes_is_refused_as_expired(
    pool: tuple[Any, str, str], clock: ManualClock
) -> None:
    idp, pool_id, client_id = pool
    with pytest.raises(ClientError) as refused:
        _answer_after(idp, pool_id, client_id, clock, 180)
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )


def test_the_app_clients_auth_session_validity_sets_the_length(
    pool: tuple[Any, str, str], clock: ManualClock
) -> None:
    idp, pool_id, _ = pool
    patient = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="patient",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"],
        AuthSessionValidity=15,
    )["UserPoolClient"]["ClientId"]
    assert "AuthenticationResult" in _answer_after(idp, pool_id, patient, clock, 14 * 60)
    with pytest.raises(ClientError) as refused:
        _answer_after(idp, pool_id, patient, clock, 15 * 60)
    assert refused.value.response["Error"]["Message"].endswith("session is expired.")


def test_a_custom_challenge_answered_late_is_refused_as_expired(clock: ManualClock) -> None:
    definition = read_definition(APIS / "cognito_triggers_custom" / "template.yaml")
    [pool] = [p for p in definition.server.user_pools if p.pool_name == "passwordless-users"]
    [client_id] = [c.client_id for c in pool.clients if c.client_name == "web"]
    with running(build_app(definition, clock=clock), "appsync-local-srp-session") as (host, port):
        idp = aws_client("cognito-idp", f"http://{host}:{port}", region="us-east-1")
        idp.admin_create_user(
            UserPoolId=pool.user_pool_id,
            Username="ada",
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": "ada@example.test"}],
        )
        started = idp.initiate_auth(
            ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "ada"}
        )
        clock.advance(180)
        with pytest.raises(ClientError) as refused:
            idp.respond_to_auth_challenge(
                ClientId=client_id,
                ChallengeName="CUSTOM_CHALLENGE",
                Session=started["Session"],
                ChallengeResponses={"USERNAME": "ada", "ANSWER": "code-1"},
            )
        assert refused.value.response["Error"]["Message"] == (
            "Invalid session for the user, session is expired."
        )
        again = idp.initiate_auth(
            ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "ada"}
        )
        clock.advance(179)
        signed_in = idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=again["Session"],
            ChallengeResponses={"USERNAME": "ada", "ANSWER": "code-1"},
        )
        assert "AuthenticationResult" in signed_in
