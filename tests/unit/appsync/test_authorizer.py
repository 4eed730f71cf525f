"""auth's provider configs built from the definition's providers (AppSync's `UserPoolConfig`,
`OpenIDConnectConfig`, `LambdaAuthorizerConfig`, the local `iamConfig`), with the local
choices the definition leaves open (`LocalTrust`), and the Authorizer refusing what AppSync
refuses."""

from __future__ import annotations

from pathlib import Path

from appsync.authorizer import LocalTrust, build_authorizer, provider_config
from appsync.aws.cognito import EmbeddedPoolKeys
from appsync.data_directory import DataDirectory
from auth.api_key import ApiKey, ApiKeyConfig
from auth.clock import ManualClock
from auth.cognito import CognitoUserPoolConfig
from auth.cognito import DefaultAction as CognitoDefaultAction
from auth.lambda_authorizer import LambdaAuthorizerConfig as AuthLambdaAuthorizerConfig
from auth.modes import AuthMode
from auth.oidc import OidcConfig
from auth.sigv4 import IamConfig as AuthIamConfig
from auth.sigv4 import IamCredential as AuthIamCredential
from auth.sigv4 import MotoCredentialSource
from definition.authorization import (
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
from definition.model import ApiDefinition

POOL = UserPoolConfig("us-east-1_Pool", "us-east-1", "web-.*", DefaultAction.DENY)
ENDPOINT_KEY = AuthIamCredential(
    "testing", "testing", "123456789012", "arn:aws:iam::123456789012:root", "123456789012"
)
POOL_KEYS = EmbeddedPoolKeys(DataDirectory.ephemeral())
LOCAL = LocalTrust((ENDPOINT_KEY,), POOL_KEYS)


def _definition(default: AuthProviderSpec, *additional: AuthProviderSpec) -> ApiDefinition:
    return ApiDefinition(Path("/apis/blog/appsync.yaml"), "blog", (), default, additional)


def test_a_user_pool_without_jwks_file_verifies_the_embedded_cognitos_tokens() -> None:
    # The installation's own key, never the key pair bundled with moto.
    spec = AuthProviderSpec(AuthenticationType.AMAZON_COGNITO_USER_POOLS, user_pool_config=POOL)
    assert provider_config(spec, (), LOCAL) == CognitoUserPoolConfig(
        "us-east-1_Pool",
        "us-east-1",
        "web-.*",
        CognitoDefaultAction.DENY,
        jwks_source=POOL_KEYS,
    )


def test_a_user_pools_own_jwks_file_is_kept() -> None:
    pool = UserPoolConfig("us-east-1_Pool", "us-east-1", jwks_file=Path("/keys/pool.json"))
    spec = AuthProviderSpec(AuthenticationType.AMAZON_COGNITO_USER_POOLS, user_pool_config=pool)
    config = provider_config(spec, (), LOCAL)
    assert isinstance(config, CognitoUserPoolConfig)
    assert (config.jwks_file, config.jwks_source) == ("/keys/pool.json", None)


def test_openid_connect_keeps_its_block() -> None:
    block = OpenIDConnectConfig("https://idp", "app", 1000, 2000, Path("/keys/jwks.json"))
    spec = AuthProviderSpec(AuthenticationType.OPENID_CONNECT, open_id_connect_config=block)
    assert provider_config(spec, (), LOCAL) == OidcConfig(
        "https://idp", "app", 1000, 2000, jwks_file="/keys/jwks.json"
    )


def test_lambda_authorizer_keeps_its_block() -> None:
    block = LambdaAuthorizerConfig("authorizers:check", 300, "^token-")
    spec = AuthProviderSpec(AuthenticationType.AWS_LAMBDA, lambda_authorizer_config=block)
    assert provider_config(spec, (), LOCAL) == AuthLambdaAuthorizerConfig(
        "authorizers:check", 300, "^token-"
    )


def test_iam_accepts_its_credentials_and_the_aws_endpoints_keys() -> None:
    credential = IamCredential(
        "AKIAEXAMPLE", "secret", "123456789012", "arn:aws:iam::123456789012:user/ci"
    )
    spec = AuthProviderSpec(
        AuthenticationType.AWS_IAM, iam_config=IamConfig((credential,), "us-east-1")
    )
    config = provider_config(spec, (), LOCAL)
    assert isinstance(config, AuthIamConfig)
    assert config.credentials == (
        AuthIamCredential(
            "AKIAEXAMPLE", "secret", "123456789012", "arn:aws:iam::123456789012:user/ci"
        ),
        ENDPOINT_KEY,
    )
    assert config.region == "us-east-1"
    # Keys minted in the embedded IAM are no principals unless the definition opts in.
    assert config.sources == ()


def test_a_declared_key_wins_over_the_endpoints_key_of_the_same_id() -> None:
    credential = IamCredential(
        "testing", "testing", "111122223333", "arn:aws:iam::111122223333:user/ci"
    )
    spec = AuthProviderSpec(AuthenticationType.AWS_IAM, iam_config=IamConfig((credential,)))
    config = provider_config(spec, (), LOCAL)
    assert isinstance(config, AuthIamConfig)
    assert [key.user_arn for key in config.credentials] == ["arn:aws:iam::111122223333:user/ci"]


def test_embedded_iam_keys_sign_only_on_opt_in() -> None:
    spec = AuthProviderSpec(
        AuthenticationType.AWS_IAM, iam_config=IamConfig(trust_embedded_iam=True)
    )
    config = provider_config(spec, (), LOCAL)
    assert isinstance(config, AuthIamConfig)
    assert [type(source) for source in config.sources] == [MotoCredentialSource]


def test_api_keys_without_expiry_never_expire() -> None:
    keys = (ApiKeySpec("da2-dated", "ci", 1893456000), ApiKeySpec("da2-forever", None, None))
    config = provider_config(AuthProviderSpec(AuthenticationType.API_KEY), keys, LOCAL)
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
    authorizer = build_authorizer(definition, ManualClock(0), lambda *p: problems.append(p), LOCAL)
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
    assert (
        build_authorizer(definition, ManualClock(0), lambda *p: problems.append(p), LOCAL) is None
    )
    assert problems == [
        (
            "authenticationType",
            "defaultAction must be ALLOW when additionalAuthenticationProviders are specified",
        )
    ]
