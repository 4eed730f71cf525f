"""Cognito's SRP (USER_SRP_AUTH) from the server's side, against a client written by others:
pycognito's `aws_srp.AWSSRP`, which signs in to Amazon Cognito (its math follows
amazon-cognito-identity-js's AuthenticationHelper). The route itself, through the endpoint with
boto3 and pycognito: tests/integration/test_cognito_srp.py."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pycognito.aws_srp import AWSSRP

from appsync.aws.cognito_srp import (
    Challenge,
    G,
    N,
    canonical_timestamp,
    pad_hex,
    password_exponent,
)

POOL = "us-east-1_3f1c2b9a8e"
PASSWORD = "Correct-Horse-9-Battery"


def _client(password: str = PASSWORD) -> AWSSRP:
    return AWSSRP("ada", password, POOL, "client", pool_region="us-east-1")


def _parameters(challenge: Challenge) -> dict[str, Any]:
    """The PASSWORD_VERIFIER challenge's parameters, as the route sends them."""
    return {
        "SALT": challenge.salt_hex,
        "SRP_B": f"{challenge.large_b:x}",
        "SECRET_BLOCK": challenge.secret_block,
        "USER_ID_FOR_SRP": challenge.user_id,
        "USERNAME": challenge.user_id,
    }


def test_a_client_that_knows_the_password_signs_as_the_server_expects() -> None:
    client = _client()
    challenge = Challenge.make(POOL, "ada", PASSWORD, client.large_a_value)
    answer = client.process_challenge(_parameters(challenge), client.get_auth_params())
    assert answer["PASSWORD_CLAIM_SECRET_BLOCK"] == challenge.secret_block
    assert challenge.expected(answer["TIMESTAMP"]) == answer["PASSWORD_CLAIM_SIGNATURE"]
    # The signature covers the timestamp.
    assert challenge.expected("Mon Jan 1 00:00:00 UTC 2024") != answer["PASSWORD_CLAIM_SIGNATURE"]


@pytest.mark.parametrize(
    ("password", "user_id"),
    [("Correct-Horse-9-Batteryy", "ada"), (PASSWORD, "bob")],
)
def test_a_wrong_password_or_user_signs_otherwise(password: str, user_id: str) -> None:
    client = _client(password)
    challenge = Challenge.make(POOL, "ada", PASSWORD, client.large_a_value)
    parameters = {**_parameters(challenge), "USER_ID_FOR_SRP": user_id}
    answer = client.process_challenge(parameters, client.get_auth_params())
    assert challenge.expected(answer["TIMESTAMP"]) != answer["PASSWORD_CLAIM_SIGNATURE"]


def test_each_challenge_is_fresh_and_in_the_group() -> None:
    large_a = _client().large_a_value
    first = Challenge.make(POOL, "ada", PASSWORD, large_a)
    second = Challenge.make(POOL, "ada", PASSWORD, large_a)
    assert first.salt_hex != second.salt_hex
    assert first.large_b != second.large_b
    assert 0 < first.large_b < N
    assert first.verifier == pow(G, _exponent(first), N)
    assert len(base64.b64decode(first.secret_block)) == 64
    assert first.pool_name == "3f1c2b9a8e"


def _exponent(challenge: Challenge) -> int:
    return password_exponent(challenge.pool_name, "ada", PASSWORD, challenge.salt_hex)


@pytest.mark.parametrize(
    ("value", "padded"),
    [(0xABC, "0abc"), (0x8F, "008f"), (0x7F, "7f"), ("1", "01"), ("ff", "00ff")],
)
def test_hex_is_padded_as_the_clients_pad_it(value: int | str, padded: str) -> None:
    assert pad_hex(value) == padded


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        # As amazon-cognito-identity-js, aws-amplify and pycognito write it.
        ("Wed Apr 5 22:42:34 UTC 2017", "Wed Apr 5 22:42:34 UTC 2017"),
        # A leading zero in the day, a one-digit second, a wrong weekday: the instant as
        # Java's `EEE MMM d HH:mm:ss z yyyy` writes it.
        ("Wed Apr 05 22:42:34 UTC 2017", "Wed Apr 5 22:42:34 UTC 2017"),
        ("Wed Apr 5 22:42:4 UTC 2017", "Wed Apr 5 22:42:04 UTC 2017"),
        ("Mon Apr 5 22:42:34 GMT 2017", "Wed Apr 5 22:42:34 GMT 2017"),
        ("Mon Feb 29 10:00:00 UTC 2024", "Thu Feb 29 10:00:00 UTC 2024"),
        # Not the format, or no such instant.
        ("2017-04-05T22:42:34Z", None),
        ("Wed Apr 5 22:42:34 +0000 2017", None),
        ("wed apr 5 22:42:34 UTC 2017", None),
        ("Wed Feb 30 22:42:34 UTC 2017", None),
        ("Wed Apr 5 25:42:34 UTC 2017", None),
        (None, None),
        (1491432154, None),
    ],
)
def test_the_timestamp_is_written_as_cognito_writes_the_instant(
    given: object, canonical: str | None
) -> None:
    assert canonical_timestamp(given) == canonical
