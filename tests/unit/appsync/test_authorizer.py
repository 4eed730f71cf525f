"""auth's provider configs built from the definition's providers (AppSync's `UserPoolConfig`,
`OpenIDConnectConfig`, `LambdaAuthorizerConfig`, the local `iamConfig`), with the local
choices the definition leaves open, and the Authorizer refusing what AppSync refuses."""

from __future__ import annotations

from pathlib import Path

from appsync.authorizer import build_authorizer, provider_config
from auth.api_key import ApiKey, ApiKeyConfig
from auth.clock import ManualClock
from auth.cognito import CognitoUserPoolConfig, moto_jwks_file
from auth.cognito import DefaultAction as CognitoDefaultAction
from auth.lambda_authorizer import LambdaAuthorizerConfig as AuthLambdaAuthorizerConfig
from auth.modes import AuthMode
from auth.oidc import OidcConfig
from auth.sigv4 import IamConfig as AuthIamConfig
from auth.sigv4 import IamCredential as AuthIamCredential
from auth.sigv4 import MotoCredentialSource
from definition.model import (
    ApiDefinition,
    ApiKeySpec,
    AuthenticationType,
    AuthProviderSpec,
    DefaultAction,
    IamConfig,
    IamCredential,
    LambdaAuthorizerConfig,
    OpenIDConnectConfig,
    UserPoolConfig,
)

POOL = UserPoolConfig("us-east-1_Pool", "us-east-1", "web-.*", DefaultAction.DENY)


def _definition(default: AuthProviderSpec, *additional: AuthProviderSpec) -> ApiDefinition:
    return ApiDefinition(Path("/apis/blog/appsync.yaml"), "blog", (), default, additional)


def test_a_user_pool_without_jwks_file_verifies_the_embedded_cognitos_tokens() -> None:
    spec = AuthProviderSpec(AuthenticationType.AMAZON_COGNITO_USER_POOLS, user_pool_config=POOL)
    assert provider_config(spec, ()) == CognitoUserPoolConfig(
        "us-east-1_Pool",
        "us-east-1",
        "web-.*",
        CognitoDefaultAction.DENY,
        jwks_file=moto_jwks_file(),
    )


def test_openid_connect_keeps_its_block() -> None:
    block = OpenIDConnectConfig("https://idp", "app", 1000, 2000, Path("/keys/jwks.json"))
    spec = AuthProviderSpec(AuthenticationType.OPENID_CONNECT, open_id_connect_config=block)
    assert provider_config(spec, ()) == OidcConfig(
        "https://idp", "app", 1000, 2000, jwks_file="/keys/jwks.json"
    )


def test_lambda_authorizer_keeps_its_block() -> None:
    block = LambdaAuthorizerConfig("authorizers:check", 300, "^token-")
    spec = AuthProviderSpec(AuthenticationType.AWS_LAMBDA, lambda_authorizer_config=block)
    assert provider_config(spec, ()) == AuthLambdaAuthorizerConfig(
        "authorizers:check", 300, "^token-"
    )


def test_iam_accepts_its_credentials_and_the_embedded_motos() -> None:
    credential = IamCredential(
        "AKIAEXAMPLE", "secret", "123456789012", "arn:aws:iam::123456789012:user/ci"
    )
    spec = AuthProviderSpec(
        AuthenticationType.AWS_IAM, iam_config=IamConfig((credential,), "us-east-1")
    )
    config = provider_config(spec, ())
    assert isinstance(config, AuthIamConfig)
    assert config.credentials == (
        AuthIamCredential(
            "AKIAEXAMPLE", "secret", "123456789012", "arn:aws:iam::123456789012:user/ci"
        ),
    )
    assert config.region == "us-east-1"
    assert [type(source) for source in config.sources] == [MotoCredentialSource]


def test_api_keys_without_expiry_never_expire() -> None:
    keys = (ApiKeySpec("da2-dated", "ci", 1893456000), ApiKeySpec("da2-forever", None, None))
    config = provider_config(AuthProviderSpec(AuthenticationType.API_KEY), keys)
    assert isinstance(config, ApiKeyConfig)
    dated, forever = config.keys
    assert dated == ApiKey("da2-dated", "ci", 1893456000)
    # AWS differs: AppSync's keys expire 7 days after creation unless told otherwise.
    assert forever.expires_epoch > 4_000_000_000


def test_the_authorizer_has_every_mode_default_first() -> None:
    oidc = OpenIDConnectConfig("https://idp")
    definition = _definition(
        AuthProviderSpec(AuthenticationType.API_KEY),
        AuthProviderSpec(AuthenticationType.OPENID_CONNECT, open_id_connect_config=oidc),
    )
    problems: list[tuple[str, str]] = []
    authorizer = build_authorizer(definition, ManualClock(0), lambda *p: problems.append(p))
    assert authorizer is not None
    assert authorizer.modes() == (AuthMode.API_KEY, AuthMode.OPENID_CONNECT)
    assert problems == []


def test_deny_beside_additional_providers_is_a_problem_of_the_authentication_type() -> None:
    # AWS::AppSync::GraphQLApi UserPoolConfig.DefaultAction: DENY only without additional modes.
    definition = _definition(
        AuthProviderSpec(AuthenticationType.AMAZON_COGNITO_USER_POOLS, user_pool_config=POOL),
        AuthProviderSpec(AuthenticationType.API_KEY),
    )
    problems: list[tuple[str, str]] = []
    assert build_authorizer(definition, ManualClock(0), lambda *p: problems.append(p)) is None
    assert problems == [
        (
            "authenticationType",
            "defaultAction must be ALLOW when additionalAuthenticationProviders are specified",
        )
    ]
