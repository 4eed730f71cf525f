"""The multi-auth decisions: which configured mode authenticates a request, and whether a
principal may resolve a field.

Which mode: aws-appsync-community#169 and amplify-js#8545 (with `x-api-key` and a token both
sent, AppSync used the API key); amplify-js#8892 (a "Bearer " token beside other modes: "Valid
authorization header not provided."); amplify-js#4270 ("Missing authorization header"); a
failing credential is final.

Which fields: AWS AppSync Developer Guide, "Configuring authorization and authentication to
secure your GraphQL APIs" (security-authz.html), section "Using additional authorization modes",
and AWS::AppSync::GraphQLApi UserPoolConfig (DefaultAction must be ALLOW with additional
providers). Each case names the rule it exercises.
"""

from __future__ import annotations

import itertools
import json
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auth.api_key import ApiKey, ApiKeyConfig
from auth.clock import ManualClock
from auth.cognito import CognitoUserPoolConfig
from auth.errors import AuthConfigError, UnauthorizedError
from auth.identity import AUTH_TYPES, Principal
from auth.lambda_authorizer import LambdaAuthorizerConfig
from auth.modes import AuthDirective, AuthMode
from auth.oidc import OidcConfig
from auth.request import AuthRequest
from auth.rules import Authorizer, ProviderConfig
from auth.sigv4 import IamConfig
from tests.fixtures.keys import jwks, rs256_token

ALL_MODES = tuple(AuthMode)
KEYS = ApiKeyConfig((ApiKey("da2-k", None, 2_000_000_000),))


def deny(event: dict[str, object]) -> dict[str, object]:
    """A Lambda authorizer for APIs whose default mode is AWS_LAMBDA."""
    return {"isAuthorized": False}


def _default_config(mode: AuthMode) -> ProviderConfig:
    """A provider of each mode, enough to build an API whose default is that mode."""
    match mode:
        case AuthMode.API_KEY:
            return KEYS
        case AuthMode.AWS_IAM:
            return IamConfig()
        case AuthMode.OPENID_CONNECT:
            return OidcConfig(issuer="https://idp.example.com", jwks_file="unused.json")
        case AuthMode.AMAZON_COGNITO_USER_POOLS:
            return CognitoUserPoolConfig("us-east-1_Pool", "us-east-1", jwks_file="unused.json")
        case AuthMode.AWS_LAMBDA:
            return LambdaAuthorizerConfig(handler=f"{__name__}:deny")


def _principal(mode: AuthMode, groups: frozenset[str] = frozenset()) -> Principal:
    return Principal(mode=mode, identity=None, auth_type=AUTH_TYPES[mode], cognito_groups=groups)


def _d(mode: AuthMode, groups: frozenset[str] | None = None) -> AuthDirective:
    return AuthDirective(mode=mode, cognito_groups=groups)


def _allowed(
    default: AuthMode,
    used: Principal,
    on_type: tuple[AuthDirective, ...],
    on_field: tuple[AuthDirective, ...],
) -> bool:
    authorizer = Authorizer(_default_config(default), (), ManualClock(0))
    return authorizer.field_allowed(used, "Post", "title", on_type, on_field)


@pytest.mark.parametrize(("default", "used"), list(itertools.product(ALL_MODES, ALL_MODES)))
def test_no_directive_admits_only_the_default_mode(default: AuthMode, used: AuthMode) -> None:
    # "If no directive is specified, the default authorization type applies."
    assert _allowed(default, _principal(used), (), ()) is (used is default)


@pytest.mark.parametrize(("default", "used"), list(itertools.product(ALL_MODES, ALL_MODES)))
def test_type_directive_replaces_the_default(default: AuthMode, used: AuthMode) -> None:
    # "type Post @aws_api_key": only API_KEY reaches Post, whatever the default mode is.
    expected = used is AuthMode.API_KEY
    assert _allowed(default, _principal(used), (_d(AuthMode.API_KEY),), ()) is expected


@pytest.mark.parametrize(("default", "used"), list(itertools.product(ALL_MODES, ALL_MODES)))
def test_field_directive_overrides_type_directive(default: AuthMode, used: AuthMode) -> None:
    # "type Post @aws_api_key { restrictedContent: String! @aws_iam }": only IAM reaches it.
    on_type = (_d(AuthMode.API_KEY),)
    on_field = (_d(AuthMode.AWS_IAM),)
    assert _allowed(default, _principal(used), on_type, on_field) is (used is AuthMode.AWS_IAM)


@pytest.mark.parametrize("used", ALL_MODES)
def test_several_directives_are_ored(used: AuthMode) -> None:
    # "type Post @aws_api_key @aws_iam": either mode reaches Post.
    on_type = (_d(AuthMode.API_KEY), _d(AuthMode.AWS_IAM))
    expected = used in {AuthMode.API_KEY, AuthMode.AWS_IAM}
    assert _allowed(AuthMode.AWS_IAM, _principal(used), on_type, ()) is expected


def test_default_mode_must_be_listed_to_keep_it() -> None:
    # Default IAM, `getAllPosts: [Post] @aws_api_key`: IAM callers are refused there.
    only_key = (_d(AuthMode.API_KEY),)
    assert not _allowed(AuthMode.AWS_IAM, _principal(AuthMode.AWS_IAM), (), only_key)
    key_and_iam = (_d(AuthMode.API_KEY), _d(AuthMode.AWS_IAM))
    assert _allowed(AuthMode.AWS_IAM, _principal(AuthMode.AWS_IAM), (), key_and_iam)


def test_field_without_directive_inherits_type_directives() -> None:
    on_type = (_d(AuthMode.OPENID_CONNECT),)
    assert _allowed(AuthMode.API_KEY, _principal(AuthMode.OPENID_CONNECT), on_type, ())
    assert not _allowed(AuthMode.API_KEY, _principal(AuthMode.API_KEY), on_type, ())


COGNITO = AuthMode.AMAZON_COGNITO_USER_POOLS


@pytest.mark.parametrize(
    ("groups", "directive_groups", "expected"),
    [
        (frozenset({"admin"}), frozenset({"admin", "ops"}), True),
        (frozenset({"user"}), frozenset({"admin", "ops"}), False),
        (frozenset(), frozenset({"admin"}), False),
        (frozenset({"user"}), None, True),
    ],
)
def test_cognito_groups_must_intersect(
    groups: frozenset[str], directive_groups: frozenset[str] | None, expected: bool
) -> None:
    # `@aws_cognito_user_pools(cognito_groups: ["admin", "ops"])`.
    on_field = (_d(COGNITO, directive_groups),)
    assert _allowed(AuthMode.API_KEY, _principal(COGNITO, groups), (), on_field) is expected


def test_aws_auth_applies_when_cognito_is_default() -> None:
    on_field = (AuthDirective(COGNITO, frozenset({"admin"}), legacy_aws_auth=True),)
    assert _allowed(COGNITO, _principal(COGNITO, frozenset({"admin"})), (), on_field)
    assert not _allowed(COGNITO, _principal(COGNITO, frozenset({"user"})), (), on_field)


def test_aws_auth_is_ignored_when_cognito_is_not_default() -> None:
    # `@aws_auth` works only for APIs whose default mode is user pools; elsewhere the field
    # behaves as if it had no directive, so only the default mode reaches it.
    on_field = (AuthDirective(COGNITO, frozenset({"admin"}), legacy_aws_auth=True),)
    assert not _allowed(AuthMode.API_KEY, _principal(COGNITO, frozenset({"admin"})), (), on_field)
    assert _allowed(AuthMode.API_KEY, _principal(AuthMode.API_KEY), (), on_field)


def test_cognito_default_action_deny_admits_only_group_directives() -> None:
    deny_user = Principal(
        mode=COGNITO,
        identity=None,
        auth_type=AUTH_TYPES[COGNITO],
        cognito_groups=frozenset({"admin"}),
        default_action_deny=True,
    )
    assert not _allowed(COGNITO, deny_user, (), ())
    admins = (AuthDirective(COGNITO, frozenset({"admin"}), legacy_aws_auth=True),)
    assert _allowed(COGNITO, deny_user, (), admins)
    ops = (AuthDirective(COGNITO, frozenset({"ops"}), legacy_aws_auth=True),)
    assert not _allowed(COGNITO, deny_user, (), ops)


def test_lambda_denied_fields_win_over_directives() -> None:
    principal = Principal(
        mode=AuthMode.AWS_LAMBDA,
        identity={"resolverContext": {}},
        auth_type=AUTH_TYPES[AuthMode.AWS_LAMBDA],
        denied_fields=frozenset({"Post.title"}),
    )
    on_field = (_d(AuthMode.AWS_LAMBDA),)
    authorizer = Authorizer(_default_config(AuthMode.AWS_LAMBDA), (), ManualClock(0))
    assert not authorizer.field_allowed(principal, "Post", "title", (), on_field)
    assert authorizer.field_allowed(principal, "Post", "content", (), on_field)


def test_api_key_may_be_configured_once() -> None:
    with pytest.raises(AuthConfigError):
        Authorizer(KEYS, (KEYS,), ManualClock(0))


def test_modes_lists_default_first() -> None:
    additional = (IamConfig(), _default_config(AuthMode.OPENID_CONNECT))
    authorizer = Authorizer(KEYS, additional, ManualClock(0))
    assert authorizer.modes() == (AuthMode.API_KEY, AuthMode.AWS_IAM, AuthMode.OPENID_CONNECT)


def test_same_issuer_twice_is_refused() -> None:
    oidc = _default_config(AuthMode.OPENID_CONNECT)
    with pytest.raises(AuthConfigError):
        Authorizer(KEYS, (oidc, oidc), ManualClock(0))


def test_several_user_pools_and_issuers_are_allowed() -> None:
    pools = (
        CognitoUserPoolConfig("us-east-1_A", "us-east-1", jwks_file="unused.json"),
        CognitoUserPoolConfig("us-east-1_B", "us-east-1", jwks_file="unused.json"),
        OidcConfig(issuer="https://one.example.com", jwks_file="unused.json"),
        OidcConfig(issuer="https://two.example.com", jwks_file="unused.json"),
    )
    assert Authorizer(KEYS, pools, ManualClock(0)).modes() == (
        AuthMode.API_KEY,
        AuthMode.AMAZON_COGNITO_USER_POOLS,
        AuthMode.OPENID_CONNECT,
    )


NOW = 1_800_000_000
POOL = "us-east-1_Sel3ction"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
SELECTION_KEYS = ApiKeyConfig(
    (ApiKey("da2-live", None, NOW + 86_400), ApiKey("da2-old", None, NOW - 1))
)


def lambda_allows_opaque(event: dict[str, Any]) -> dict[str, Any]:
    return {"isAuthorized": event["authorizationToken"] == "opaque-token"}


@pytest.fixture(scope="module")
def pool() -> Iterator[CognitoUserPoolConfig]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jwks.json"
        path.write_text(json.dumps(jwks(("selection-pool", "kid-1"))))
        yield CognitoUserPoolConfig(POOL, "us-east-1", jwks_file=str(path))


def _user_token() -> str:
    claims = {
        "iss": ISSUER,
        "sub": "s-1",
        "aud": "client",
        "token_use": "id",
        "iat": NOW - 10,
        "exp": NOW + 600,
        "cognito:username": "carol",
    }
    return rs256_token(claims, "selection-pool", "kid-1")


def _request(**headers: str) -> AuthRequest:
    return AuthRequest.from_raw_headers("POST", "/graphql", headers, b"{}")


async def _mode(authorizer: Authorizer, **headers: str) -> AuthMode:
    return (await authorizer.authenticate(_request(**headers))).mode


async def _refusal(authorizer: Authorizer, **headers: str) -> str:
    with pytest.raises(UnauthorizedError) as caught:
        await authorizer.authenticate(_request(**headers))
    return caught.value.message


@pytest.mark.anyio
async def test_api_key_wins_over_a_token(pool: CognitoUserPoolConfig) -> None:
    authorizer = Authorizer(SELECTION_KEYS, (pool,), ManualClock(NOW))
    headers = {"x-api-key": "da2-live", "authorization": _user_token()}
    assert await _mode(authorizer, **headers) is AuthMode.API_KEY
    assert (
        await _mode(authorizer, authorization=_user_token()) is AuthMode.AMAZON_COGNITO_USER_POOLS
    )


@pytest.mark.anyio
async def test_failing_api_key_does_not_fall_back_to_a_valid_token(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(SELECTION_KEYS, (pool,), ManualClock(NOW))
    message = await _refusal(authorizer, **{"x-api-key": "da2-old", "authorization": _user_token()})
    assert message == "You are not authorized to make this call."


@pytest.mark.anyio
async def test_jwt_of_a_pool_goes_to_the_pool_other_tokens_to_lambda(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(
        pool,
        (LambdaAuthorizerConfig(handler=f"{__name__}:lambda_allows_opaque"),),
        ManualClock(NOW),
    )
    assert (
        await _mode(authorizer, authorization=_user_token()) is AuthMode.AMAZON_COGNITO_USER_POOLS
    )
    assert await _mode(authorizer, authorization="opaque-token") is AuthMode.AWS_LAMBDA
    assert await _refusal(authorizer, authorization="other") == (
        "You are not authorized to make this call."
    )


@pytest.mark.anyio
async def test_bearer_token_beside_other_modes_is_not_a_valid_header(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(IamConfig(), (pool,), ManualClock(NOW))
    message = await _refusal(authorizer, authorization="Bearer " + _user_token())
    assert message == "Valid authorization header not provided."


@pytest.mark.anyio
async def test_no_credentials_at_all_is_missing_authorization_header(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(pool, (SELECTION_KEYS, IamConfig()), ManualClock(NOW))
    assert await _refusal(authorizer) == "Missing authorization header"


@pytest.mark.anyio
async def test_api_key_on_an_api_without_api_key_mode_is_not_valid(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(pool, (), ManualClock(NOW))
    message = await _refusal(authorizer, **{"x-api-key": "da2-live"})
    assert message == "Valid authorization header not provided."


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("with_pool", "token", "reason"),
    [
        (True, "Bearer x.y.z", "token refused: the Authorization value is not a JWT"),
        (
            False,
            "opaque",
            "token refused: the API has no user pool, OIDC provider or Lambda authorizer",
        ),
    ],
    ids=["not a JWT", "no token mode"],
)
async def test_a_token_no_mode_takes_is_logged_with_the_reason(
    pool: CognitoUserPoolConfig,
    caplog: pytest.LogCaptureFixture,
    with_pool: bool,
    token: str,
    reason: str,
) -> None:
    caplog.set_level(logging.INFO)
    authorizer = Authorizer(IamConfig(), (pool,) if with_pool else (), ManualClock(NOW))
    await _refusal(authorizer, authorization=token)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [(logging.INFO, reason)]


@pytest.mark.anyio
async def test_a_token_of_an_unknown_issuer_is_logged_with_the_issuers_the_api_trusts(
    pool: CognitoUserPoolConfig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    token = rs256_token(
        {"iss": "https://elsewhere.example", "exp": NOW + 60}, "selection-pool", "k"
    )
    await _refusal(Authorizer(pool, (), ManualClock(NOW)), authorization=token)
    assert [r.getMessage() for r in caplog.records] == [
        f"token refused: its iss 'https://elsewhere.example' is none of the API's issuers "
        f"['{ISSUER}']"
    ]


@pytest.mark.anyio
async def test_a_refused_api_key_is_logged_without_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    authorizer = Authorizer(SELECTION_KEYS, (), ManualClock(NOW))
    await _refusal(authorizer, **{"x-api-key": "da2-old"})
    await _refusal(authorizer, **{"x-api-key": "da2-unknown"})
    assert [r.getMessage() for r in caplog.records] == [
        "API key refused: it has expired",
        "API key refused: it is none of the API's keys",
    ]
