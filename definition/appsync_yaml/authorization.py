"""Authorization in the API definition: the default and additional providers, and API keys.

Keys are AppSync's own (CreateGraphqlApi's `authenticationType`,
`additionalAuthenticationProviders`, the per-mode blocks; CreateApiKey's `id`, `description`,
`expires`). Each mode's block is kept as written while the file is read; `provider_config` turns
it into the auth package's config of that mode when the API is loaded, with key-path problems.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from auth.api_key import ApiKey, ApiKeyConfig
from auth.cognito import CognitoUserPoolConfig, DefaultAction, moto_jwks_file
from auth.lambda_authorizer import LambdaAuthorizerConfig
from auth.modes import AuthMode
from auth.oidc import OidcConfig
from auth.rules import ProviderConfig
from auth.sigv4 import IamConfig, IamCredential, MotoCredentialSource
from definition.appsync_yaml.reader import ConfigReader, Raw, join, kind

# A key without `expires` never expires locally (AppSync's own default is 7 days from creation).
_NO_EXPIRY = int(datetime(9999, 12, 31, tzinfo=UTC).timestamp())

# The mode blocks AppSync's API model attaches to a provider.
# `iamConfig` is local: the access keys AWS_IAM signatures are checked against.
AUTH_BLOCKS = ("userPoolConfig", "openIDConnectConfig", "lambdaAuthorizerConfig", "iamConfig")


@dataclass(frozen=True, slots=True)
class ApiKeySpec:
    """`apiKeys[]`: AppSync's ApiKey; `expires` in epoch seconds, None for no expiry locally."""

    id: str
    description: str | None
    expires: int | None


@dataclass(frozen=True, slots=True)
class AuthProviderSpec:
    """`authenticationType` or one of `additionalAuthenticationProviders[]`.

    `settings` keeps the mode's own block (`userPoolConfig`, `openIDConnectConfig`,
    `lambdaAuthorizerConfig`) as written, for the auth package's config of that mode.
    """

    authentication_type: AuthMode
    settings: Mapping[str, Any]


def auth_provider(reader: ConfigReader, block: Raw, path: str) -> AuthProviderSpec | None:
    mode = reader.enum(block, "authenticationType", path, AuthMode, None)
    if mode is None:
        return None
    settings = {key: block[key] for key in AUTH_BLOCKS if key in block}
    for key, value in settings.items():
        if not isinstance(value, dict):
            reader.problem(join(path, key), f"expected a mapping, got {kind(value)}")
    return AuthProviderSpec(mode, settings)


def additional_providers(reader: ConfigReader, top: Raw) -> tuple[AuthProviderSpec, ...]:
    return tuple(
        provider
        for where, item in reader.items(top, "additionalAuthenticationProviders", "")
        if (block := reader.mapping(item, where, ("authenticationType", *AUTH_BLOCKS))) is not None
        and (provider := auth_provider(reader, block, where)) is not None
    )


def check_modes(
    reader: ConfigReader,
    default: AuthProviderSpec | None,
    additional: Sequence[AuthProviderSpec],
) -> None:
    # AppSync allows API_KEY, AWS_IAM and AWS_LAMBDA once each across default and additional.
    seen: set[AuthMode] = {default.authentication_type} if default else set()
    for index, provider in enumerate(additional):
        mode = provider.authentication_type
        if mode in seen and mode in (AuthMode.API_KEY, AuthMode.AWS_IAM, AuthMode.AWS_LAMBDA):
            reader.problem(
                f"additionalAuthenticationProviders[{index}].authenticationType",
                f"{mode} is already configured; it may appear only once",
            )
        seen.add(mode)


def api_keys(reader: ConfigReader, top: Raw) -> tuple[ApiKeySpec, ...]:
    keys = []
    for where, item in reader.items(top, "apiKeys", ""):
        block = reader.mapping(item, where, ("id", "description", "expires"))
        if block is None:
            continue
        key_id = reader.string(block, "id", where, required=True)
        description = reader.string(block, "description", where, required=False)
        expires = _expires(reader, block.get("expires"), join(where, "expires"))
        if key_id is not None:
            keys.append(ApiKeySpec(key_id, description, expires))
    return tuple(keys)


def _expires(reader: ConfigReader, value: Any, where: str) -> int | None:
    """Epoch seconds, an ISO 8601 timestamp, or a date; AppSync rounds down to the hour."""
    if value is None:
        return None
    moment: datetime | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        return value - value % 3600
    elif isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None:
        reader.problem(where, "expected epoch seconds or an ISO 8601 timestamp")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int(moment.timestamp())
    return seconds - seconds % 3600


def provider_config(
    spec: AuthProviderSpec,
    base_dir: Path,
    keys: Sequence[ApiKeySpec],
    where: str,
    add_problem: Callable[[str, str], None],
) -> ProviderConfig | None:
    """The auth package's config for one provider, from AppSync's per-mode block; None when
    the block has problems (`where` is the provider's key path prefix, `add_problem` takes a
    key path and a message). Files (`jwksFile`) are relative to `base_dir`."""
    found: list[tuple[str, str]] = []

    def add(key_path: str, message: str) -> None:
        found.append((key_path, message))
        add_problem(key_path, message)

    provider = _provider_config(spec, keys, _Block(base_dir, spec.settings, where, add))
    return provider if not found else None


def _provider_config(
    spec: AuthProviderSpec, api_keys: Sequence[ApiKeySpec], block: _Block
) -> ProviderConfig:
    match spec.authentication_type:
        case AuthMode.API_KEY:
            keys = tuple(
                ApiKey(key.id, key.description, key.expires if key.expires else _NO_EXPIRY)
                for key in api_keys
            )
            return ApiKeyConfig(keys=keys)
        case AuthMode.AWS_IAM:
            # Local only: the access keys SigV4 signatures are checked against.
            iam = block.open("iamConfig", required=False)
            credentials = tuple(
                IamCredential(
                    access_key_id=item.text("accessKeyId"),
                    secret_access_key=item.text("secretAccessKey"),
                    account_id=item.text("accountId", "123456789012"),
                    user_arn=item.text("userArn", "arn:aws:iam::123456789012:user/local"),
                    username=item.optional("username"),
                    session_token=item.optional("sessionToken"),
                    expiration=item.number("expiration") or None,
                    cognito_identity_pool_id=item.optional("cognitoIdentityPoolId"),
                    cognito_identity_id=item.optional("cognitoIdentityId"),
                    cognito_identity_auth_type=item.optional("cognitoIdentityAuthType"),
                    cognito_identity_auth_provider=item.optional("cognitoIdentityAuthProvider"),
                )
                for item in iam.list("credentials")
            )
            # Besides the configured keys, every IAM user key and STS session created in the
            # embedded moto (boto3 against the printed endpoint) signs requests, as in an account.
            return IamConfig(
                credentials=credentials,
                region=iam.optional("region"),
                sources=(MotoCredentialSource(),),
            )
        case AuthMode.OPENID_CONNECT:
            oidc = block.open("openIDConnectConfig", required=True)
            return OidcConfig(
                issuer=oidc.text("issuer"),
                client_id=oidc.optional("clientId"),
                iat_ttl=oidc.number("iatTTL"),
                auth_ttl=oidc.number("authTTL"),
                jwks_file=oidc.path("jwksFile"),
            )
        case AuthMode.AMAZON_COGNITO_USER_POOLS:
            pool = block.open("userPoolConfig", required=True)
            action = pool.optional("defaultAction") or "ALLOW"
            if action not in ("ALLOW", "DENY"):
                pool.problem("defaultAction", "expected ALLOW | DENY")
            return CognitoUserPoolConfig(
                user_pool_id=pool.text("userPoolId"),
                aws_region=pool.text("awsRegion"),
                app_id_client_regex=pool.optional("appIdClientRegex"),
                default_action=DefaultAction(action if action == "DENY" else "ALLOW"),
                # Without a jwksFile the pool is the embedded moto's: tokens its cognito-idp issues
                # (sign-up and sign-in with boto3 or Amplify) verify with moto's signing keys.
                jwks_file=pool.path("jwksFile") or moto_jwks_file(),
            )
        case AuthMode.AWS_LAMBDA:
            authorizer = block.open("lambdaAuthorizerConfig", required=True)
            return LambdaAuthorizerConfig(
                handler=authorizer.text("handler"),
                authorizer_result_ttl_in_seconds=authorizer.number("authorizerResultTtlInSeconds"),
                identity_validation_expression=authorizer.optional("identityValidationExpression"),
            )


class _Block:
    """One mode's settings block (`openIDConnectConfig` ...), read with key-path problems."""

    def __init__(
        self,
        base_dir: Path,
        values: Any,
        where: str,
        add_problem: Callable[[str, str], None],
    ) -> None:
        self._base_dir = base_dir
        self._values: Mapping[str, Any] = values if isinstance(values, Mapping) else {}
        self._where = where
        self._add_problem = add_problem

    def _child(self, values: Any, where: str) -> _Block:
        return _Block(self._base_dir, values, where, self._add_problem)

    def problem(self, key: str, message: str) -> None:
        self._add_problem(f"{self._where}{key}", message)

    def open(self, key: str, *, required: bool) -> _Block:
        value = self._values.get(key)
        if value is None and required:
            self.problem(key, "required for this authenticationType")
        return self._child(value, f"{self._where}{key}.")

    def text(self, key: str, default: str | None = None) -> str:
        value = self._values.get(key, default)
        if not isinstance(value, str) or not value:
            self.problem(key, "required; expected a non-empty string")
            return ""
        return value

    def optional(self, key: str) -> str | None:
        value = self._values.get(key)
        if value is not None and not isinstance(value, str):
            self.problem(key, "expected a string")
            return None
        return value

    def number(self, key: str) -> int:
        value = self._values.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(key, "expected a non-negative integer")
            return 0
        return value

    def path(self, key: str) -> str | None:
        name = self.optional(key)
        if name is None:
            return None
        resolved = (self._base_dir / name).resolve()
        if not resolved.is_file():
            self.problem(key, f"file not found: {resolved}")
        return str(resolved)

    def list(self, key: str) -> list[_Block]:
        value = self._values.get(key) or []
        if not isinstance(value, list):
            self.problem(key, "expected a list")
            return []
        return [
            self._child(item, f"{self._where}{key}[{index}].") for index, item in enumerate(value)
        ]
