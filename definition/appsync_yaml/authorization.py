"""Authorization in the definition: the default and additional providers, and API keys.

Keys are AppSync's own (CreateGraphqlApi's `authenticationType`,
`additionalAuthenticationProviders`, `userPoolConfig`, `openIDConnectConfig`,
`lambdaAuthorizerConfig`; CreateApiKey's `id`, `description`, `expires`), plus local ones:
`jwksFile` (user pools, OIDC: keys from a file), `handler` (Lambda: a Python `module:function`
called in the server's process in place of the function `authorizerUri` names) and the `iamConfig`
block (the access keys AWS_IAM signatures are checked against). Only the block the provider's type
reads is parsed. A block of another type beside it would do nothing, so it is a problem (an
`iamConfig` beside an API_KEY default left an additional AWS_IAM provider without its keys: 403s on
a definition that read as sound), and so is an unknown key inside a block, `defaultAction` on an
additional user pool (AppSync's CognitoUserPoolConfig has none), and API keys on an API without an
API_KEY provider.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from definition.appsync_yaml.reader import DefinitionReader, Raw, join, kind
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

# The mode blocks AppSync's API model attaches to a provider, and the local `iamConfig`, with the
# type each belongs to.
_BLOCK_OWNERS = {
    "userPoolConfig": AuthenticationType.AMAZON_COGNITO_USER_POOLS,
    "openIDConnectConfig": AuthenticationType.OPENID_CONNECT,
    "lambdaAuthorizerConfig": AuthenticationType.AWS_LAMBDA,
    "iamConfig": AuthenticationType.AWS_IAM,
}
AUTH_BLOCKS = tuple(_BLOCK_OWNERS)

# The keys of each block: AppSync's (UserPoolConfig, OpenIDConnectConfig, LambdaAuthorizerConfig
# in botocore's appsync model) and the local ones (`jwksFile`, `handler`, `iamConfig`).
_BLOCK_KEYS = {
    "userPoolConfig": ("userPoolId", "awsRegion", "defaultAction", "appIdClientRegex", "jwksFile"),
    "openIDConnectConfig": ("issuer", "clientId", "iatTTL", "authTTL", "jwksFile"),
    "lambdaAuthorizerConfig": (
        *["handler", "authorizerUri", "authorizerResultTtlInSeconds"],
        "identityValidationExpression",
    ),
    "iamConfig": ("region", "credentials", "trustEmbeddedIam"),
    "credentials": (
        *["accessKeyId", "secretAccessKey", "accountId", "userArn", "username", "sessionToken"],
        *["expiration", "cognitoIdentityPoolId", "cognitoIdentityId", "cognitoIdentityAuthType"],
        "cognitoIdentityAuthProvider",
    ),
}


def auth_provider(reader: DefinitionReader, block: Raw, path: str) -> AuthProviderSpec | None:
    """The provider at `path` ("" for the API's own `authenticationType`)."""
    mode = reader.enum(block, "authenticationType", path, AuthenticationType, None)
    if mode is None:
        return None
    malformed = False
    for key in AUTH_BLOCKS:
        if key in block and not isinstance(block[key], dict):
            reader.problem(join(path, key), f"expected a mapping, got {kind(block[key])}")
            malformed = True
    if malformed:
        # Reported already; the type alone still counts in `check_modes`.
        return AuthProviderSpec(mode)
    return _provider(mode, _Block(reader, block, f"{path}." if path else ""), default=not path)


def additional_providers(reader: DefinitionReader, top: Raw) -> tuple[AuthProviderSpec, ...]:
    return tuple(
        provider
        for where, item in reader.items(top, "additionalAuthenticationProviders", "")
        if (block := reader.mapping(item, where, ("authenticationType", *AUTH_BLOCKS))) is not None
        and (provider := auth_provider(reader, block, where)) is not None
    )


def check_blocks(reader: DefinitionReader, top: Raw) -> None:
    """Each mode block beside a provider of another type, with where it would take effect."""
    providers: list[tuple[str, Raw]] = [("", top)]
    providers += [
        (where, item)
        for where, item in reader.items(top, "additionalAuthenticationProviders", "")
        if isinstance(item, dict)
    ]
    placed = {
        block.get("authenticationType"): where or "the default authenticationType"
        for where, block in providers
    }
    for where, block in providers:
        mode = block.get("authenticationType")
        if mode not in set(AuthenticationType):
            continue  # reported by auth_provider
        for key, owner in _BLOCK_OWNERS.items():
            if key not in block or owner == mode:
                continue
            home = placed.get(owner)
            advice = (
                f"move it to the {owner} provider ({home})"
                if home is not None
                else f"it belongs beside authenticationType: {owner}"
            )
            reader.problem(join(where, key), f"has no effect on an {mode} provider: {advice}")


def check_api_keys(reader: DefinitionReader, top: Raw, modes: Sequence[AuthProviderSpec]) -> None:
    """API keys authenticate nobody on an API without an API_KEY provider."""
    if top.get("apiKeys") and all(
        spec.authentication_type is not AuthenticationType.API_KEY for spec in modes
    ):
        reader.problem("apiKeys", "has no effect: no provider has authenticationType: API_KEY")


def check_modes(
    reader: DefinitionReader,
    default: AuthProviderSpec | None,
    additional: Sequence[AuthProviderSpec],
    where: str = "additionalAuthenticationProviders[{index}].authenticationType",
) -> None:
    """A mode AppSync allows once given twice; `where` is the key path of an additional
    provider's type, in the definition's spelling."""
    # AppSync allows API_KEY, AWS_IAM and AWS_LAMBDA once each across default and additional.
    once = (AuthenticationType.API_KEY, AuthenticationType.AWS_IAM, AuthenticationType.AWS_LAMBDA)
    seen: set[AuthenticationType] = {default.authentication_type} if default else set()
    for index, provider in enumerate(additional):
        mode = provider.authentication_type
        if mode in seen and mode in once:
            reader.problem(
                where.format(index=index), f"{mode} is already configured; it may appear only once"
            )
        seen.add(mode)


def api_keys(reader: DefinitionReader, top: Raw) -> tuple[ApiKeySpec, ...]:
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


def _expires(reader: DefinitionReader, value: Any, where: str) -> int | None:
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


def _provider(mode: AuthenticationType, block: _Block, *, default: bool) -> AuthProviderSpec:
    match mode:
        case AuthenticationType.API_KEY:
            return AuthProviderSpec(mode)
        case AuthenticationType.AWS_IAM:
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
            iam_config = IamConfig(
                credentials, iam.optional("region"), iam.flag("trustEmbeddedIam")
            )
            return AuthProviderSpec(mode, iam_config=iam_config)
        case AuthenticationType.OPENID_CONNECT:
            oidc = block.open("openIDConnectConfig", required=True)
            return AuthProviderSpec(
                mode,
                open_id_connect_config=OpenIDConnectConfig(
                    issuer=oidc.text("issuer"),
                    client_id=oidc.optional("clientId"),
                    iat_ttl=oidc.number("iatTTL"),
                    auth_ttl=oidc.number("authTTL"),
                    jwks_file=oidc.path("jwksFile"),
                ),
            )
        case AuthenticationType.AMAZON_COGNITO_USER_POOLS:
            pool = block.open("userPoolConfig", required=True)
            action = "ALLOW"
            if not default and "defaultAction" in pool:
                # An additional provider's block is CognitoUserPoolConfig, without defaultAction.
                pool.problem(
                    "defaultAction", "has no effect on an additional provider (default mode only)"
                )
            elif (action := pool.optional("defaultAction") or "ALLOW") not in ("ALLOW", "DENY"):
                pool.problem("defaultAction", "expected ALLOW | DENY")
            return AuthProviderSpec(
                mode,
                user_pool_config=UserPoolConfig(
                    user_pool_id=pool.text("userPoolId"),
                    aws_region=pool.text("awsRegion"),
                    app_id_client_regex=pool.optional("appIdClientRegex"),
                    default_action=DefaultAction(action if action == "DENY" else "ALLOW"),
                    jwks_file=pool.path("jwksFile"),
                ),
            )
        case AuthenticationType.AWS_LAMBDA:
            authorizer = block.open("lambdaAuthorizerConfig", required=True)
            handler = uri = None
            if "handler" in authorizer:
                handler = authorizer.text("handler")
                if "authorizerUri" in authorizer:
                    authorizer.notice(
                        "authorizerUri", "not called locally: the local `handler` authorizes"
                    )
            elif "authorizerUri" in authorizer:
                uri = authorizer.text("authorizerUri")
            else:
                authorizer.problem(
                    "authorizerUri",
                    "required: the authorizer function's ARN or name (a declared function), or "
                    "a local `handler`",
                )
            return AuthProviderSpec(
                mode,
                lambda_authorizer_config=LambdaAuthorizerConfig(
                    handler=handler,
                    authorizer_uri=uri,
                    authorizer_result_ttl_in_seconds=authorizer.number(
                        "authorizerResultTtlInSeconds"
                    ),
                    identity_validation_expression=authorizer.optional(
                        "identityValidationExpression"
                    ),
                ),
            )


class _Block:
    """One mode's settings block (`openIDConnectConfig` ...); `where` prefixes each key path.

    A missing or malformed block reads as empty, so each required key is reported too."""

    def __init__(self, reader: DefinitionReader, values: Any, where: str) -> None:
        self._reader = reader
        self._values: Mapping[str, Any] = values if isinstance(values, Mapping) else {}
        self._where = where

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def problem(self, key: str, message: str) -> None:
        self._reader.problem(f"{self._where}{key}", message)

    def notice(self, key: str, message: str) -> None:
        self._reader.notice(f"{self._where}{key}", message)

    def _check_keys(self, allowed: Sequence[str]) -> None:
        for key in self._values:
            if key not in allowed:
                self.problem(str(key), f"unknown key; expected one of {', '.join(allowed)}")

    def open(self, key: str, *, required: bool) -> _Block:
        value = self._values.get(key)
        if value is None and required:
            self.problem(key, "required for this authenticationType")
        opened = _Block(self._reader, value, f"{self._where}{key}.")
        opened._check_keys(_BLOCK_KEYS[key])
        return opened

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

    def flag(self, key: str) -> bool:
        value = self._values.get(key, False)
        if not isinstance(value, bool):
            self.problem(key, "expected true or false")
            return False
        return value

    def number(self, key: str) -> int:
        value = self._values.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(key, "expected a non-negative integer")
            return 0
        return value

    def path(self, key: str) -> Path | None:
        """A file relative to the definition file."""
        name = self.optional(key)
        if name is None:
            return None
        resolved = (self._reader.file.parent / name).resolve()
        if not resolved.is_file():
            self.problem(key, f"file not found: {resolved}")
        return resolved

    def list(self, key: str) -> list[_Block]:
        value = self._values.get(key) or []
        if not isinstance(value, list):
            self.problem(key, "expected a list")
            return []
        items = [
            _Block(self._reader, item, f"{self._where}{key}[{index}].")
            for index, item in enumerate(value)
        ]
        for item in items:
            item._check_keys(_BLOCK_KEYS[key])
        return items
