"""Provider configs from the API definition's blocks, named as in AppSync's API model
(`UserPoolConfig`, `OpenIDConnectConfig`, `LambdaAuthorizerConfig`)."""

from __future__ import annotations

from typing import Any

import pytest

from auth.cognito import CognitoUserPoolConfig, DefaultAction
from auth.errors import AuthConfigError
from auth.lambda_authorizer import LambdaAuthorizerConfig
from auth.modes import AuthMode
from auth.oidc import OidcConfig
from auth.rules import provider_config
from auth.sigv4 import IamConfig, IamCredential, MotoCredentialSource


def test_user_pool_block() -> None:
    settings = {
        "userPoolId": "us-east-1_Pool",
        "awsRegion": "us-east-1",
        "defaultAction": "DENY",
        "appIdClientRegex": "web-.*",
    }
    config = provider_config(AuthMode.AMAZON_COGNITO_USER_POOLS, settings, cognito_jwks_file="k")
    assert config == CognitoUserPoolConfig(
        "us-east-1_Pool", "us-east-1", "web-.*", DefaultAction.DENY, jwks_file="k"
    )


def test_openid_connect_block() -> None:
    settings = {"issuer": "https://idp", "clientId": "app", "iatTTL": 1000, "authTTL": 2000}
    assert provider_config(AuthMode.OPENID_CONNECT, settings) == OidcConfig(
        "https://idp", "app", 1000, 2000
    )


def test_lambda_authorizer_block() -> None:
    settings = {
        "handler": "authorizers:check",
        "authorizerResultTtlInSeconds": 300,
        "identityValidationExpression": "^token-",
    }
    assert provider_config(AuthMode.AWS_LAMBDA, settings) == LambdaAuthorizerConfig(
        "authorizers:check", 300, "^token-"
    )


def test_iam_block_with_credentials_and_moto() -> None:
    settings = {
        "region": "us-east-1",
        "credentials": [
            {
                "accessKeyId": "AKIAEXAMPLE",
                "secretAccessKey": "secret",
                "accountId": "123456789012",
                "userArn": "arn:aws:iam::123456789012:user/ci",
            }
        ],
    }
    moto = MotoCredentialSource()
    config = provider_config(AuthMode.AWS_IAM, settings, iam_sources=(moto,))
    assert config == IamConfig(
        (
            IamCredential(
                "AKIAEXAMPLE", "secret", "123456789012", "arn:aws:iam::123456789012:user/ci"
            ),
        ),
        "us-east-1",
        (moto,),
    )


@pytest.mark.parametrize(
    ("mode", "settings", "key"),
    [
        (AuthMode.AMAZON_COGNITO_USER_POOLS, {"awsRegion": "us-east-1"}, "userPoolId"),
        (
            AuthMode.AMAZON_COGNITO_USER_POOLS,
            {"userPoolId": "p", "awsRegion": "r", "defaultAction": "MAYBE"},
            "defaultAction",
        ),
        (AuthMode.OPENID_CONNECT, {"issuer": "https://idp", "iatTTL": "soon"}, "iatTTL"),
        (AuthMode.AWS_LAMBDA, {}, "handler"),
        (
            AuthMode.AWS_IAM,
            {"credentials": [{"accessKeyId": "A"}]},
            "credentials[0].secretAccessKey",
        ),
    ],
)
def test_bad_blocks_name_the_key(mode: AuthMode, settings: dict[str, Any], key: str) -> None:
    with pytest.raises(AuthConfigError) as caught:
        provider_config(mode, settings)
    assert str(caught.value).startswith(key)
