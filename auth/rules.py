"""Which mode authenticates a request, and whether a principal may resolve a field.

Follows AppSync's "Configuring authorization and authentication to secure your GraphQL APIs"
(docs.aws.amazon.com/appsync/latest/devguide/security-authz.html), section "Using additional
authorization modes":
- a type or field with no auth directive is reachable only through the API's default mode;
- once a type or field carries directives, only the modes they name are allowed there (the
  default mode included only if named);
- directives on a field override those on its type; several directives on one element are OR'ed;
- `cognito_groups` on `@aws_cognito_user_pools` / `@aws_auth` must intersect the caller's
  `cognito:groups`;
- `@aws_auth` is the legacy directive of APIs whose default mode is Cognito user pools;
- the default user pool's `defaultAction: DENY` admits only callers a group directive lets in,
  and is allowed only when there are no additional providers (AWS::AppSync::GraphQLApi
  UserPoolConfig.DefaultAction);
- a Lambda authorizer's `deniedFields` are refused whatever the directives say.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias, cast

from auth.api_key import ApiKeyConfig, ApiKeyProvider
from auth.clock import Clock
from auth.errors import (
    MISSING_AUTHORIZATION_HEADER,
    UNABLE_TO_PARSE_JWT_TOKEN,
    VALID_AUTHORIZATION_HEADER_NOT_PROVIDED,
    AuthConfigError,
    UnauthorizedError,
)
from auth.identity import Principal
from auth.modes import AuthDirective, AuthMode
from auth.request import AuthRequest
from auth.sigv4 import IamConfig, IamProvider, is_sigv4

# The token modes' modules (user pools, OIDC, Lambda authorizers) are imported by an API that
# configures one, when its config is made: an API without them does not pay for them before
# its first answer (issue 19). The API key's and IAM's are light, and the AWS endpoint checks
# SigV4 anyway.
if TYPE_CHECKING:
    from auth.cognito import CognitoProvider, CognitoUserPoolConfig
    from auth.lambda_authorizer import LambdaAuthorizerConfig, LambdaAuthorizerProvider
    from auth.oidc import OidcConfig, OidcProvider

__all__ = ["Authorizer", "Principal", "ProviderConfig"]

logger = logging.getLogger(__name__)

ProviderConfig: TypeAlias = (
    "ApiKeyConfig | IamConfig | OidcConfig | CognitoUserPoolConfig | LambdaAuthorizerConfig"
)

# Modes an API may configure at most once (BOTO `additionalAuthenticationProviders`; one Lambda
# authorizer per API).
_SINGLE_INSTANCE_MODES = frozenset({AuthMode.API_KEY, AuthMode.AWS_IAM, AuthMode.AWS_LAMBDA})
# The modes whose credential is a JWT told apart by its `iss`.
_JWT_MODES = frozenset({AuthMode.AMAZON_COGNITO_USER_POOLS, AuthMode.OPENID_CONNECT})


class Authorizer:
    """The API's default and additional providers, built once from config."""

    def __init__(
        self,
        default: ProviderConfig,
        additional: Sequence[ProviderConfig],
        clock: Clock,
        *,
        signing_clock: Clock | None = None,
    ) -> None:
        """`clock` is what key expiry, token lifetimes and caches read; `signing_clock` (default
        `clock`) is what a SigV4 request's date is checked against (`SigV4Verifier`)."""
        configs = (default, *additional)
        _check_config(default, additional)
        self._default_mode = default.mode
        self._modes = tuple(dict.fromkeys(config.mode for config in configs))
        self._api_key: ApiKeyProvider | None = None
        self._iam: IamProvider | None = None
        self._lambda: LambdaAuthorizerProvider | None = None
        self._jwt: list[CognitoProvider | OidcProvider] = []
        for config in configs:
            if isinstance(config, ApiKeyConfig):
                self._api_key = ApiKeyProvider(config, clock)
            elif isinstance(config, IamConfig):
                self._iam = IamProvider(config, clock, signing_clock)
            elif config.mode is AuthMode.AWS_LAMBDA:
                from auth.lambda_authorizer import LambdaAuthorizerProvider

                self._lambda = LambdaAuthorizerProvider(
                    cast("LambdaAuthorizerConfig", config), clock
                )
            else:
                self._jwt.append(_jwt_provider(config, clock, is_default=config is default))
        if self._jwt:
            # Imported with the API's user pool or OIDC provider, once, not per request.
            from auth.oidc import same_issuer, unverified_claims

            self._unverified_claims = unverified_claims
            self._same_issuer = same_issuer
        # A non-JWT Authorization value gets "Unable to parse JWT token." when a token mode is
        # all the API has (aws-appsync-community#198); beside other modes AppSync answered
        # "Valid authorization header not provided." (amplify-js#8892, a "Bearer " prefix).
        self._jwt_only = not additional and default.mode in _JWT_MODES

    def modes(self) -> tuple[AuthMode, ...]:
        """The configured modes, default first."""
        return self._modes

    @property
    def default_mode(self) -> AuthMode:
        return self._default_mode

    async def authenticate(self, request: AuthRequest) -> Principal:
        """Pick the mode from the request's headers and verify it; raises `UnauthorizedError`.

        A present credential that fails is final: AppSync does not fall back to another mode.
        A SigV4 `Authorization` is taken before `x-api-key`; `x-api-key` before a token in
        `Authorization` (aws-appsync-community#169, amplify-js#8545: with both sent, AppSync
        used the API key).
        """
        api_key = request.header("x-api-key")
        authorization = request.header("authorization")
        if authorization is not None and is_sigv4(authorization) and self._iam is not None:
            return await self._iam.authenticate(request)
        if api_key is not None and self._api_key is not None:
            return self._api_key.authenticate(api_key)
        if authorization is not None:
            return await self._token(authorization, request)
        if api_key is None:
            raise UnauthorizedError(MISSING_AUTHORIZATION_HEADER)
        raise UnauthorizedError(VALID_AUTHORIZATION_HEADER_NOT_PROVIDED)

    async def _token(self, token: str, request: AuthRequest) -> Principal:
        """An `Authorization` value that is not SigV4: a user pool or OIDC JWT, chosen by its
        `iss`, or else the Lambda authorizer's token."""
        claims = self._unverified_claims(token) if self._jwt else None
        iss = claims.get("iss") if claims is not None else None
        if isinstance(iss, str):
            for provider in self._jwt:
                if self._same_issuer(provider.issuer, iss):
                    return await provider.authenticate(token, request.source_ip)
        if self._lambda is not None:
            return await self._lambda.authenticate(token, request)
        if not self._jwt:
            logger.info(
                "token refused: the API has no user pool, OIDC provider or Lambda authorizer"
            )
        elif claims is None:
            logger.info("token refused: the Authorization value is not a JWT")
            if self._jwt_only:
                raise UnauthorizedError(UNABLE_TO_PARSE_JWT_TOKEN)
        else:
            issuers = [provider.issuer for provider in self._jwt]
            logger.info("token refused: its iss %r is none of the API's issuers %r", iss, issuers)
        raise UnauthorizedError(VALID_AUTHORIZATION_HEADER_NOT_PROVIDED)

    def field_allowed(
        self,
        principal: Principal,
        type_name: str,
        field_name: str,
        type_directives: tuple[AuthDirective, ...],
        field_directives: tuple[AuthDirective, ...],
    ) -> bool:
        """AppSync's decision for one field of one type; False means `Unauthorized` there."""
        if f"{type_name}.{field_name}" in principal.denied_fields:
            return False
        directives = self._effective(field_directives) or self._effective(type_directives)
        if not directives:
            return principal.mode is self._default_mode and not principal.default_action_deny
        for directive in directives:
            if directive.mode is not principal.mode:
                continue
            if directive.cognito_groups is None:
                if not principal.default_action_deny:
                    return True
            elif directive.cognito_groups & principal.cognito_groups:
                return True
        return False

    def _effective(self, directives: tuple[AuthDirective, ...]) -> tuple[AuthDirective, ...]:
        # `@aws_auth` only means something when Cognito user pools is the default mode.
        if self._default_mode is AuthMode.AMAZON_COGNITO_USER_POOLS:
            return directives
        return tuple(directive for directive in directives if not directive.legacy_aws_auth)


def _jwt_provider(
    config: ProviderConfig, clock: Clock, *, is_default: bool
) -> CognitoProvider | OidcProvider:
    """The provider of a user pool or an OIDC issuer (`config.mode` is one of `_JWT_MODES`)."""
    if config.mode is AuthMode.AMAZON_COGNITO_USER_POOLS:
        from auth.cognito import CognitoProvider

        pool = cast("CognitoUserPoolConfig", config)
        return CognitoProvider(pool, clock, is_default=is_default)
    from auth.oidc import OidcProvider

    return OidcProvider(cast("OidcConfig", config), clock)


def _check_config(default: ProviderConfig, additional: Sequence[ProviderConfig]) -> None:
    if default.mode is AuthMode.AMAZON_COGNITO_USER_POOLS and additional:
        from auth.cognito import DefaultAction

        if cast("CognitoUserPoolConfig", default).default_action is DefaultAction.DENY:
            raise AuthConfigError(
                "defaultAction must be ALLOW when additionalAuthenticationProviders are specified"
            )
    seen: set[AuthMode] = set()
    issuers: set[str] = set()
    for config in (default, *additional):
        if config.mode in _SINGLE_INSTANCE_MODES and config.mode in seen:
            raise AuthConfigError(f"{config.mode} can be configured only once per API")
        seen.add(config.mode)
        if config.mode in _JWT_MODES:
            # Several user pools and OIDC issuers are allowed, but not the same one twice.
            issuer = cast("CognitoUserPoolConfig | OidcConfig", config).issuer.rstrip("/")
            if issuer in issuers:
                raise AuthConfigError(f"issuer {issuer} is configured more than once")
            issuers.add(issuer)
