"""A user pool's authentication triggers and PreTokenGeneration V2_0, through the real server with
boto3 on the AWS endpoint and httpx on the API (Amazon Cognito Developer Guide: "Pre
authentication Lambda trigger" (an error refuses the sign-in), "Post authentication Lambda
trigger" (after a sign-in, not a refresh), "Post confirmation Lambda trigger"
(PostConfirmation_ConfirmForgotPassword), "Pre token generation Lambda trigger" (V2_0:
idTokenGeneration, accessTokenGeneration with scopesToAdd / scopesToSuppress, set by
PreTokenGenerationConfig's LambdaVersion))."""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, ApiDefinition]]:
    definition = read_definition(APIS / "cognito_triggers_auth" / "template.yaml")
    with running(build_app(definition), "appsync-local-cognito-auth-triggers") as (host, port):
        yield f"http://{host}:{port}", definition


def _clients(endpoint: str, definition: ApiDefinition) -> tuple[Any, Any, str, str]:
    [pool] = definition.server.user_pools
    [client] = pool.clients
    options: dict[str, Any] = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    idp = boto3.client("cognito-idp", **options)
    return idp, boto3.client("dynamodb", **options), pool.user_pool_id, client.client_id


def _user(idp: Any, pool_id: str, client_id: str, name: str) -> None:
    idp.sign_up(ClientId=client_id, Username=name, Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)


def _event(dynamodb: Any, key: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName="AuthEvents", Key={"id": {"S": key}}
    ).get("Item")
    return item


def test_a_sign_in_runs_the_authentication_triggers_and_v2_token_generation(
    served: tuple[str, ApiDefinition],
) -> None:
    endpoint, definition = served
    idp, dynamodb, pool_id, client_id = _clients(endpoint, definition)
    _user(idp, pool_id, client_id, "ada")
    confirmed = _event(dynamodb, "PostConfirmation_ConfirmSignUp#ada")
    assert confirmed is not None
    assert confirmed["status"] == {"S": "CONFIRMED"}
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    access = jwt.decode(tokens["AccessToken"], options={"verify_signature": False})
    # V2_0: the event's version 2 and the access token's scopes reached the function.
    assert (claims["tier"], claims["seen"]) == ("gold", "2:aws.cognito.signin.user.admin")
    assert (access["tenant"], access["scope"]) == ("t-9", "posts/read")
    answer = httpx.post(
        f"{endpoint}/graphql",
        json={"query": "{ tier }"},
        headers={"Authorization": tokens["IdToken"]},
    )
    assert answer.json() == {"data": {"tier": "gold"}}
    signed_in = _event(dynamodb, "sign-in#ada")
    assert signed_in is not None
    assert (signed_in["times"], signed_in["source"]) == (
        {"N": "1"},
        {"S": "PostAuthentication_Authentication"},
    )
    # A refresh issues tokens (PreTokenGeneration runs again) but is no sign-in.
    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )["AuthenticationResult"]
    again = jwt.decode(refreshed["IdToken"], options={"verify_signature": False})
    assert again["tier"] == "gold"
    after_refresh = _event(dynamodb, "sign-in#ada")
    assert after_refresh is not None
    assert after_refresh["times"] == {"N": "1"}


def test_pre_authentication_refuses_with_the_functions_message(
    served: tuple[str, ApiDefinition],
) -> None:
    endpoint, definition = served
    idp, dynamodb, pool_id, client_id = _clients(endpoint, definition)
    _user(idp, pool_id, client_id, "blocked")
    with pytest.raises(idp.exceptions.UserLambdaValidationException) as refused:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "blocked", "PASSWORD": PASSWORD},
        )
    assert refused.value.response["Error"]["Message"] == (
        "PreAuthentication failed with error this account is blocked."
    )
    assert _event(dynamodb, "sign-in#blocked") is None


def test_a_reset_password_runs_post_confirmation(served: tuple[str, ApiDefinition]) -> None:
    endpoint, definition = served
    idp, dynamodb, pool_id, client_id = _clients(endpoint, definition)
    _user(idp, pool_id, client_id, "grace")
    idp.forgot_password(ClientId=client_id, Username="grace")
    # moto takes any code that it did not hand out itself.
    idp.confirm_forgot_password(
        ClientId=client_id, Username="grace", ConfirmationCode="123456", Password="New-Horse-77"
    )
    reset = _event(dynamodb, "PostConfirmation_ConfirmForgotPassword#grace")
    assert reset is not None
    assert reset["status"] == {"S": "CONFIRMED"}
