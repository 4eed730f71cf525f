"""API_KEY: the `x-api-key` header against the API's configured keys.

Keys carry AppSync's `expires` (epoch seconds). A key is usable while the clock is before
`expires`; an expired or unknown key gets the same 401 text as any refused call
("You are not authorized to make this call.", amplify-studio#1003 shows it for an expired key).
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import datetime

from auth.clock import Clock
from auth.errors import NOT_AUTHORIZED_TO_MAKE_THIS_CALL, AuthConfigError, UnauthorizedError
from auth.identity import AUTH_TYPES, Principal
from auth.modes import AuthMode

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One key, named after AppSync's `ApiKey` shape: `id`, `description`, `expires`.

    `expires` is epoch seconds (AppSync's wire form) or an aware datetime.
    """

    id: str
    description: str | None
    expires: datetime | int

    @property
    def expires_epoch(self) -> int:
        if isinstance(self.expires, datetime):
            if self.expires.tzinfo is None:
                raise AuthConfigError(f"API key {self.id}: expires needs a time zone")
            return int(self.expires.timestamp())
        return self.expires


@dataclass(frozen=True, slots=True)
class ApiKeyConfig:
    keys: tuple[ApiKey, ...]

    @property
    def mode(self) -> AuthMode:
        return AuthMode.API_KEY


API_KEY_PRINCIPAL = Principal(
    mode=AuthMode.API_KEY, identity=None, auth_type=AUTH_TYPES[AuthMode.API_KEY]
)


class ApiKeyProvider:
    """Checks one `x-api-key` value. Expiry is compiled to epoch seconds once."""

    def __init__(self, config: ApiKeyConfig, clock: Clock) -> None:
        self._expiry = {key.id: key.expires_epoch for key in config.keys}
        self._clock = clock

    def authenticate(self, api_key: str) -> Principal:
        expires = None
        for key_id, key_expires in self._expiry.items():
            # Constant-time comparison: the key is a bearer secret.
            if hmac.compare_digest(key_id.encode(), api_key.encode()):
                expires = key_expires
        if expires is None:
            logger.info("API key refused: it is none of the API's keys")
            raise UnauthorizedError(NOT_AUTHORIZED_TO_MAKE_THIS_CALL)
        if self._clock.time() >= expires:
            logger.info("API key refused: it has expired")
            raise UnauthorizedError(NOT_AUTHORIZED_TO_MAKE_THIS_CALL)
        return API_KEY_PRINCIPAL
