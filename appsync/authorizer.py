"""The API's `Authorizer`, built from the definition's authentication providers.

The definition says what each provider's block holds
(`definition.authorization.UserPoolConfig`, ...); auth, which imports no other package of
ours, takes its own config per mode. Here one becomes the other, with the local choices the
definition leaves open (`LocalTrust`):
* a user pool without `jwksFile` is the embedded Cognito's: its tokens verify against the key
  made for this installation (never moto's bundled key, whose private half ships with moto);
* AWS_IAM accepts `iamConfig.credentials`, the credentials the embedded Cognito identity pools
  vend to guests and signed-in users (as AppSync accepts them), and the AWS endpoint's declared
  keys (the local
  account's root: a key that can already read and change everything in the embedded services
  gains nothing by being refused here, and Lambda functions and scripts holding it call the API
  as roles of the same account would); keys minted in the embedded IAM and STS only with
  `iamConfig.trustEmbeddedIam: true`, since anyone holding the endpoint's keys can mint them;
* an API key without `expires` never expires;
* an AWS_LAMBDA `authorizerUri` names a function of the local Lambda runtime
  (`LocalTrust.lambda_function`), or none runs (a local `handler` is called instead).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from auth.api_key import ApiKey, ApiKeyConfig
from auth.clock import Clock
from auth.errors import AuthConfigError
from auth.rules import Authorizer
from auth.sigv4 import CredentialSource, IamConfig, IamCredential, MotoCredentialSource
from definition.authorization import ApiKeySpec, AuthenticationType, AuthProviderSpec
from definition.model import ApiDefinition

# A token mode's module is imported by the API that configures it (see `auth.rules`).
if TYPE_CHECKING:
    from auth.lambda_authorizer import AuthorizerFunction
    from auth.oidc import JwksSource
    from auth.rules import ProviderConfig

# A key without `expires` never expires locally (AppSync's own default is 7 days from creation).
_NO_EXPIRY = int(datetime(9999, 12, 31, tzinfo=UTC).timestamp())


@dataclass(frozen=True, slots=True)
class LocalTrust:
    """What the local server trusts where the definition leaves it open: the AWS endpoint's
    declared keys, the embedded user pools' public keys, and the local Lambda runtime's function
    an authorizer's ARN (or name) stands for."""

    endpoint_credentials: tuple[IamCredential, ...]
    embedded_pool_keys: JwksSource
    lambda_function: Callable[[str], AuthorizerFunction] | None = None
    # The credentials the embedded Cognito identity pools vend (`appsync.aws.identity_pools`).
    identity_pool_credentials: CredentialSource | None = None


def build_authorizer(
    definition: ApiDefinition,
    clock: Clock,
    add_problem: Callable[[str, str], None],
    local: LocalTrust,
    signing_clock: Clock | None = None,
) -> Authorizer | None:
    """The default and additional providers; None when auth refuses the combination (DENY
    beside additional providers, one issuer twice), with the reason under `authenticationType`.
    `signing_clock` checks SigV4 request dates when it is not `clock` (a manual clock)."""
    default = provider_config(definition.authentication, definition.api_keys, local)
    additional = [
        provider_config(spec, definition.api_keys, local)
        for spec in definition.additional_authentication_providers
    ]
    try:
        return Authorizer(default, additional, clock, signing_clock=signing_clock)
    except AuthConfigError as error:
        add_problem("authenticationType", str(error))
        return None


def provider_config(
    spec: AuthProviderSpec, api_keys: Sequence[ApiKeySpec], local: LocalTrust
) -> ProviderConfig:
    """auth's config for one provider (the reader has checked that its block is there)."""
    match spec.authentication_type:
        case AuthenticationType.API_KEY:
            keys = tuple(
                ApiKey(key.id, key.description, key.expires if key.expires else _NO_EXPIRY)
                for key in api_keys
            )
            return ApiKeyConfig(keys=keys)
        case AuthenticationType.AWS_IAM:
            assert spec.iam_config is not None
            credentials = tuple(
                IamCredential(
                    access_key_id=credential.access_key_id,
                    secret_access_key=credential.secret_access_key,
                    account_id=credential.account_id,
                    user_arn=credential.user_arn,
                    username=credential.username,
                    session_token=credential.session_token,
                    expiration=credential.expiration,
                    cognito_identity_pool_id=credential.cognito_identity_pool_id,
                    cognito_identity_id=credential.cognito_identity_id,
                    cognito_identity_auth_type=credential.cognito_identity_auth_type,
                    cognito_identity_auth_provider=credential.cognito_identity_auth_provider,
                )
                for credential in spec.iam_config.credentials
            )
            declared = {credential.access_key_id for credential in credentials}
            endpoint = tuple(
                key for key in local.endpoint_credentials if key.access_key_id not in declared
            )
            sources: tuple[CredentialSource, ...] = ()
            if local.identity_pool_credentials is not None:
                sources = (local.identity_pool_credentials,)
            if spec.iam_config.trust_embedded_iam:
                sources += (MotoCredentialSource(),)
            return IamConfig(
                credentials=credentials + endpoint,
                region=spec.iam_config.region,
                sources=sources,
            )
        case AuthenticationType.OPENID_CONNECT:
            from auth.oidc import OidcConfig

            oidc = spec.open_id_connect_config
            assert oidc is not None
            return OidcConfig(
                issuer=oidc.issuer,
                client_id=oidc.client_id,
                iat_ttl=oidc.iat_ttl,
                auth_ttl=oidc.auth_ttl,
                jwks_file=str(oidc.jwks_file) if oidc.jwks_file is not None else None,
            )
        case AuthenticationType.AMAZON_COGNITO_USER_POOLS:
            from auth.cognito import CognitoUserPoolConfig, DefaultAction

            pool = spec.user_pool_config
            assert pool is not None
            return CognitoUserPoolConfig(
                user_pool_id=pool.user_pool_id,
                aws_region=pool.aws_region,
                app_id_client_regex=pool.app_id_client_regex,
                default_action=DefaultAction(pool.default_action.value),
                # Without a jwksFile the pool is the embedded Cognito's: tokens its cognito-idp
                # issues (sign-up and sign-in through the AWS endpoint) verify with the key
                # made for this installation.
                jwks_file=str(pool.jwks_file) if pool.jwks_file is not None else None,
                jwks_source=local.embedded_pool_keys if pool.jwks_file is None else None,
            )
        case AuthenticationType.AWS_LAMBDA:
            from auth.lambda_authorizer import LambdaAuthorizerConfig

            authorizer = spec.lambda_authorizer_config
            assert authorizer is not None
            function = None
            uri = authorizer.authorizer_uri
            if authorizer.handler is None and uri is not None and local.lambda_function:
                function = local.lambda_function(uri)
            return LambdaAuthorizerConfig(
                handler=authorizer.handler,
                function=function,
                authorizer_result_ttl_in_seconds=authorizer.authorizer_result_ttl_in_seconds,
                identity_validation_expression=authorizer.identity_validation_expression,
            )
