"""How callers are let in: the API's `authenticationType` and each additional provider with the
block its type reads, and its API keys, as the CreateGraphqlApi and CreateApiKey shapes of
botocore's `appsync/2017-07-25/service-2.json` name them. `jwksFile`, `handler` and `iamConfig`
are local additions and say so. Part of the API definition (`definition.model`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class AuthenticationType(StrEnum):
    """`authenticationType` of the API and of each additional provider."""

    API_KEY = "API_KEY"
    AWS_IAM = "AWS_IAM"
    OPENID_CONNECT = "OPENID_CONNECT"
    AMAZON_COGNITO_USER_POOLS = "AMAZON_COGNITO_USER_POOLS"
    AWS_LAMBDA = "AWS_LAMBDA"


class DefaultAction(StrEnum):
    """`userPoolConfig.defaultAction`."""

    ALLOW = "ALLOW"
    DENY = "DENY"


@dataclass(frozen=True, slots=True)
class UserPoolConfig:
    """`userPoolConfig`. `jwks_file` is local: the pool's signing keys (None: the embedded
    Cognito's)."""

    user_pool_id: str
    aws_region: str
    app_id_client_regex: str | None = None
    default_action: DefaultAction = DefaultAction.ALLOW
    jwks_file: Path | None = None


@dataclass(frozen=True, slots=True)
class OpenIDConnectConfig:
    """`openIDConnectConfig`; TTLs in milliseconds, 0 for unchecked. `jwks_file` is local: the
    issuer's keys read from a file instead of its discovery document."""

    issuer: str
    client_id: str | None = None
    iat_ttl: int = 0
    auth_ttl: int = 0
    jwks_file: Path | None = None


@dataclass(frozen=True, slots=True)
class LambdaAuthorizerConfig:
    """`lambdaAuthorizerConfig`: `authorizer_uri` is the function's ARN (or name) as AppSync
    takes it, run by the local Lambda runtime; `handler` is local, a Python `module:function`
    called in the server's process in its place (it wins when both are given)."""

    handler: str | None = None
    authorizer_result_ttl_in_seconds: int = 0
    identity_validation_expression: str | None = None
    authorizer_uri: str | None = None


@dataclass(frozen=True, slots=True)
class IamCredential:
    """Local: one access key AWS_IAM signatures are checked against, and who it stands for."""

    access_key_id: str
    secret_access_key: str
    account_id: str
    user_arn: str
    username: str | None = None
    session_token: str | None = None
    expiration: int | None = None
    cognito_identity_pool_id: str | None = None
    cognito_identity_id: str | None = None
    cognito_identity_auth_type: str | None = None
    cognito_identity_auth_provider: str | None = None


@dataclass(frozen=True, slots=True)
class IamConfig:
    """Local `iamConfig`: the keys that sign, and the only region a signature may name.
    `trust_embedded_iam` lets keys minted in the embedded IAM and STS sign too (off: anyone who
    reaches the AWS endpoint with its keys could mint them)."""

    credentials: tuple[IamCredential, ...] = ()
    region: str | None = None
    trust_embedded_iam: bool = False


@dataclass(frozen=True, slots=True)
class AuthProviderSpec:
    """The API's `authenticationType`, or one of `additionalAuthenticationProviders[]`, with
    the block its type reads (the others are None)."""

    authentication_type: AuthenticationType
    user_pool_config: UserPoolConfig | None = None
    open_id_connect_config: OpenIDConnectConfig | None = None
    lambda_authorizer_config: LambdaAuthorizerConfig | None = None
    iam_config: IamConfig | None = None


@dataclass(frozen=True, slots=True)
class ApiKeySpec:
    """`apiKeys[]`: AppSync's ApiKey; `expires` in epoch seconds, None for no expiry locally."""

    id: str
    description: str | None
    expires: int | None
