"""Authorization in the API definition: the default and additional providers, and API keys.

Keys are AppSync's own (CreateGraphqlApi's `authenticationType`,
`additionalAuthenticationProviders`, the per-mode blocks; CreateApiKey's `id`, `description`,
`expires`). Each mode's block is kept as written for the auth package's config of that mode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from appsync.config_reader import ConfigReader, Raw, join, kind
from auth.modes import AuthMode

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
