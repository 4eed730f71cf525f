"""USER_SRP_AUTH through the server's AWS endpoint, signed in by pycognito's `AWSSRP` (a client
of Amazon Cognito written by others) over boto3: the password is checked as Cognito checks it
(appsync.aws.cognito_srp), a wrong one gets Cognito's NotAuthorizedException, and a user with a
temporary password gets NEW_PASSWORD_REQUIRED. Before, moto took any answer to its challenge.
aws-amplify v6's `signIn` (SRP by default) is tests/browser/test_cross_origin.py's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import ForceChangePasswordException

from tests.fixtures.cognito_pools import confirmed_user, user_pool
from tests.integration.conftest import Server, serve, write_whoami_api

PASSWORD = "Correct-Horse-9-Battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("srp")
    with serve(write_whoami_api(folder, "srp", {"authenticationType": "API_KEY"})) as running:
        yield running


@pytest.fixture(scope="module")
def pool(server: Server) -> tuple[Any, str, str]:
    made = user_pool(f"http://{server.host}:{server.port}", "srp", ["ALLOW_USER_SRP_AUTH"])
    confirmed_user(made[0], made[1], "ada", PASSWORD)
    return made


def _srp(pool: tuple[Any, str, str], username: str, password: str) -> dict[str, Any]:
    idp, pool_id, client_id = pool
    tokens: dict[str, Any] = AWSSRP(
        username, password, pool_id, client_id, client=idp
    ).authenticate_user()
    return tokens


def test_the_right_password_signs_in(pool: tuple[Any, str, str]) -> None:
    result = _srp(pool, "ada", PASSWORD)["AuthenticationResult"]
    claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert claims["cognito:username"] == "ada"
    assert claims["iss"].endswith(pool[1])


def test_a_wrong_password_is_refused_as_cognito_refuses_it(pool: tuple[Any, str, str]) -> None:
    with pytest.raises(ClientError) as refused:
        _srp(pool, "ada", PASSWORD + "!")
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )


def test_the_challenge_names_the_username_and_a_session_must_be_the_servers(
    pool: tuple[Any, str, str],
) -> None:
    idp, _, client_id = pool
    client = AWSSRP("ada", PASSWORD, pool[1], client_id, client=idp)
    started = idp.initiate_auth(
        AuthFlow="USER_SRP_AUTH", AuthParameters=client.get_auth_params(), ClientId=client_id
    )
    parameters = started["ChallengeParameters"]
    # Cognito's USER_ID_FOR_SRP is the username (moto named the user's sub).
    assert (started["ChallengeName"], parameters["USER_ID_FOR_SRP"]) == ("PASSWORD_VERIFIER", "ada")
    answer = client.process_challenge(parameters, client.get_auth_params())
    forged = {**answer, "PASSWORD_CLAIM_SECRET_BLOCK": "bm90IHRoaXMgc2VydmVyJ3M="}
    with pytest.raises(ClientError) as refused:
        idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=forged
        )
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    # A challenge is answered once.
    signed_in = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=answer,
        Session=started["Session"],
    )
    assert "AuthenticationResult" in signed_in
    with pytest.raises(ClientError):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=answer,
            Session=started["Session"],
        )


def test_a_temporary_password_asks_for_a_new_one(pool: tuple[Any, str, str]) -> None:
    idp, pool_id, _ = pool
    idp.admin_create_user(UserPoolId=pool_id, Username="bob", TemporaryPassword="Temporary-1-Pass")
    with pytest.raises(ForceChangePasswordException):
        _srp(pool, "bob", "Temporary-1-Pass")
    with pytest.raises(ClientError) as refused:
        _srp(pool, "bob", "Another-1-Pass")
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_an_unreadable_srp_a_is_refused(pool: tuple[Any, str, str]) -> None:
    idp, _, client_id = pool
    for srp_a in ("not hex", "0", f"{int('F' * 768, 16):x}"[:0] or "00"):
        with pytest.raises(ClientError) as refused:
            idp.initiate_auth(
                AuthFlow="USER_SRP_AUTH",
                AuthParameters={"USERNAME": "ada", "SRP_A": srp_a},
                ClientId=client_id,
            )
        assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


class _WritesTimestamp(AWSSRP):  # type: ignore[misc]  # pycognito is untyped
    """pycognito's client, signing a TIMESTAMP written as `text` instead of its own."""

    text = ""

    @staticmethod
    def get_cognito_formatted_timestamp(input_datetime: Any) -> str:
        return _WritesTimestamp.text


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        # The day with a leading zero: refused as a wrong password (qwigo/warrant#12, where
        # "Wed Apr 05 22:44:40 UTC 2017" failed and "Wed Apr 5 22:42:34 UTC 2017" signed in).
        (
            "Wed Apr 05 22:44:40 UTC 2017",
            "NotAuthorizedException",
            "Incorrect username or password.",
        ),
        # A weekday that is not the date's: the signature covers the instant as Cognito writes it.
        (
            "Thu Apr 5 22:44:40 UTC 2017",
            "NotAuthorizedException",
            "Incorrect username or password.",
        ),
        # Not the format at all (amazon-cognito-identity-js#683 records the answer).
        (
            "2017-04-05T22:44:40Z",
            "InvalidParameterException",
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        ),
    ],
)
def test_the_timestamp_is_read_as_cognito_reads_it(
    pool: tuple[Any, str, str], text: str, code: str, message: str
) -> None:
    idp, pool_id, client_id = pool
    _WritesTimestamp.text = text
    with pytest.raises(ClientError) as refused:
        _WritesTimestamp("ada", PASSWORD, pool_id, client_id, client=idp).authenticate_user()
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == (code, message)
    # The same client writing the instant as Cognito does signs in.
    _WritesTimestamp.text = "Wed Apr 5 22:44:40 UTC 2017"
    signed_in = _WritesTimestamp("ada", PASSWORD, pool_id, client_id, client=idp)
    assert "AuthenticationResult" in signed_in.authenticate_user()
