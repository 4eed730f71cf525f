"""A user pool's Lambda triggers run as Amazon Cognito runs them, through the real server: boto3
signs users up and in through the AWS endpoint, the template's functions run in the local Lambda
runtime (Python, and Node.js with the AWS SDK for JavaScript v3 writing to the embedded DynamoDB),
and the API reads what they did with the user's ID token.

Amazon Cognito Developer Guide: "Pre sign-up Lambda trigger" (autoConfirmUser, autoVerifyEmail;
an error stops the sign-up), "Post confirmation Lambda trigger" (after ConfirmSignUp /
AdminConfirmSignUp, with the user's attributes), "Pre token generation Lambda trigger" (V1_0:
claimsToAddOrOverride, claimsToSuppress, groupOverrideDetails); a function's error reaches the
client as `UserLambdaValidationException` "PreSignUp failed with error <message>."
(aws-amplify/amplify-ui-android#314 shows that message from AWS).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import jwt
import pytest

from appsync.app import build_app
from definition.formats import read_definition
from definition.model import ApiDefinition
from tests.integration.conftest import APIS, running

PASSWORD = "Correct-Horse-9"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None, reason="the PostConfirmation function runs on Node.js"
)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, ApiDefinition]]:
    definition = read_definition(APIS / "cognito_triggers" / "template.yaml")
    with running(build_app(definition), "appsync-local-cognito-triggers") as (host, port):
        yield f"http://{host}:{port}", definition


def _idp(endpoint: str) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _ids(definition: ApiDefinition) -> tuple[str, str]:
    [pool] = definition.server.user_pools
    [client] = pool.clients
    return pool.user_pool_id, client.client_id


def _sign_up(idp: Any, client_id: str, username: str, email: str) -> dict[str, Any]:
    answer: dict[str, Any] = idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    return answer


def _tokens(idp: Any, client_id: str, username: str) -> dict[str, Any]:
    result: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return result


def _query(endpoint: str, token: str, query: str) -> Any:
    answer = httpx.post(
        f"{endpoint}/graphql", json={"query": query}, headers={"Authorization": token}
    )
    return answer.json()


def test_pre_sign_up_refuses_with_the_functions_message(
    served: tuple[str, ApiDefinition],
) -> None:
    endpoint, definition = served
    idp = _idp(endpoint)
    _, client_id = _ids(definition)
    with pytest.raises(idp.exceptions.UserLambdaValidationException) as refused:
        _sign_up(idp, client_id, "mallory", "mallory@elsewhere.test")
    assert refused.value.response["Error"]["Message"] == (
        "PreSignUp failed with error elsewhere.test addresses may not sign up."
    )
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=_ids(definition)[0], Username="mallory")


def test_a_confirmation_runs_post_confirmation_and_tokens_carry_the_override(
    served: tuple[str, ApiDefinition],
) -> None:
    endpoint, definition = served
    idp = _idp(endpoint)
    pool_id, client_id = _ids(definition)
    signed_up = _sign_up(idp, client_id, "ada", "ada@example.test")
    assert signed_up["UserConfirmed"] is False
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="ada")
    tokens = _tokens(idp, client_id, "ada")
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    access = jwt.decode(tokens["AccessToken"], options={"verify_signature": False})
    # claimsToAddOrOverride adds `plan` but leaves `sub`; `email` suppressed; the group in both.
    assert claims["plan"] == "pro"
    assert claims["sub"] == signed_up["UserSub"]
    assert "email" not in claims
    assert claims["cognito:groups"] == access["cognito:groups"] == ["members"]
    # The API verifies the token signed again and reads the claims AppSync gives resolvers.
    me = _query(endpoint, tokens["IdToken"], "{ me { plan groups } }")
    assert me == {"data": {"me": {"plan": "pro", "groups": ["members"]}}}
    # PostConfirmation wrote the profile (the Node.js function, through the AWS SDK).
    profile = _query(endpoint, tokens["IdToken"], "{ profile { id email source } }")
    assert profile == {
        "data": {
            "profile": {
                "id": signed_up["UserSub"],
                "email": "ada@example.test",
                "source": "PostConfirmation_ConfirmSignUp:CONFIRMED",
            }
        }
    }
    # The access token signed again still serves Cognito's own calls.
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "ada"


def test_pre_sign_up_can_confirm_and_verify_at_once(served: tuple[str, ApiDefinition]) -> None:
    endpoint, definition = served
    idp = _idp(endpoint)
    pool_id, client_id = _ids(definition)
    signed_up = _sign_up(idp, client_id, "grace", "grace@trusted.test")
    assert signed_up["UserConfirmed"] is True
    user = idp.admin_get_user(UserPoolId=pool_id, Username="grace")
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {item["Name"]: item["Value"] for item in user["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    # Signed in without a confirmation code; the profile was written at sign-up.
    tokens = _tokens(idp, client_id, "grace")
    profile = _query(endpoint, tokens["IdToken"], "{ profile { email } }")
    assert profile == {"data": {"profile": {"email": "grace@trusted.test"}}}
