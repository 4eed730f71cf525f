"""A member's ID token names their groups' IAM roles ("Understanding the identity (ID) token",
Amazon Cognito Developer Guide: `cognito:roles`, and `cognito:preferred_role`, the role of the
group with the lowest Precedence, left out when groups sharing it name different roles; the
access token carries `cognito:groups` only). Real tokens of moto's InitiateAuth, signed through
the installation's signer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import jwt
import pytest
from moto import mock_aws

from appsync.aws.cognito import install_signer, signing_with
from appsync.aws.cognito_group_roles import with_group_roles
from appsync.data_directory import DataDirectory

ROLE = "arn:aws:iam::123456789012:role/{}"


@pytest.fixture
def idp() -> Iterator[Any]:
    with mock_aws(), signing_with(DataDirectory.ephemeral()):
        install_signer()
        yield boto3.client(
            "cognito-idp",
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def _claims(
    idp: Any, groups: list[dict[str, Any]], user: str = "ada"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ID and access tokens' claims of a new user of a new pool, in `groups`."""
    pool = idp.create_user_pool(PoolName="local")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username=user)
    idp.admin_set_user_password(
        UserPoolId=pool, Username=user, Password="Passw0rd!", Permanent=True
    )
    for group in groups:
        idp.create_group(UserPoolId=pool, **group)
        idp.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=group["GroupName"])
    tokens = idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": "Passw0rd!"},
    )["AuthenticationResult"]
    return (
        jwt.decode(tokens["IdToken"], options={"verify_signature": False}),
        jwt.decode(tokens["AccessToken"], options={"verify_signature": False}),
    )


def test_the_id_token_names_the_roles_and_the_lowest_precedence_one(idp: Any) -> None:
    claims, access = _claims(
        idp,
        [
            {"GroupName": "Readers", "Precedence": 5, "RoleArn": ROLE.format("readers")},
            {"GroupName": "Editors", "Precedence": 1, "RoleArn": ROLE.format("editors")},
            {"GroupName": "Plain", "Precedence": 0},
            {"GroupName": "Unranked", "RoleArn": ROLE.format("unranked")},
        ],
    )
    assert sorted(claims["cognito:groups"]) == ["Editors", "Plain", "Readers", "Unranked"]
    assert sorted(claims["cognito:roles"]) == [
        ROLE.format("editors"),
        ROLE.format("readers"),
        ROLE.format("unranked"),
    ]
    # Plain ranks first but has no role: the preferred role is the first group with one.
    assert claims["cognito:preferred_role"] == ROLE.format("editors")
    assert "cognito:roles" not in access
    assert "cognito:preferred_role" not in access
    assert sorted(access["cognito:groups"]) == sorted(claims["cognito:groups"])


def test_a_tie_between_different_roles_leaves_no_preferred_role(idp: Any) -> None:
    claims, _ = _claims(
        idp,
        [
            {"GroupName": "A", "Precedence": 2, "RoleArn": ROLE.format("a")},
            {"GroupName": "B", "Precedence": 2, "RoleArn": ROLE.format("b")},
        ],
    )
    assert sorted(claims["cognito:roles"]) == [ROLE.format("a"), ROLE.format("b")]
    assert "cognito:preferred_role" not in claims


def test_a_tie_on_the_same_role_prefers_it_and_groups_without_roles_add_nothing(
    idp: Any,
) -> None:
    claims, _ = _claims(
        idp,
        [
            {"GroupName": "A", "Precedence": 2, "RoleArn": ROLE.format("shared")},
            {"GroupName": "B", "Precedence": 2, "RoleArn": ROLE.format("shared")},
        ],
    )
    assert claims["cognito:roles"] == [ROLE.format("shared")]
    assert claims["cognito:preferred_role"] == ROLE.format("shared")
    plain, _ = _claims(idp, [{"GroupName": "NoRole"}], user="bo")
    assert plain["cognito:groups"] == ["NoRole"]
    assert "cognito:roles" not in plain
    assert "cognito:preferred_role" not in plain


def test_claims_of_no_known_pool_are_left_as_they_are() -> None:
    claims = {"token_use": "id", "iss": "https://cognito-idp.x/nowhere", "cognito:groups": ["A"]}
    assert with_group_roles(claims) is claims
    access = {"token_use": "access", "cognito:groups": ["A"]}
    assert with_group_roles(access) is access
