"""The embedded Cognito user pools sign their tokens with this installation's key.

moto 5.2.5 signs every token in `CognitoIdpUserPool.create_jwt` with
`jwt.encode({"kid": "dummy", "alg": "RS256"}, payload, self.json_web_key)`, where `jwt` is
joserfc's module as imported into `moto.cognitoidp.models` and `json_web_key` is the private
key that ships inside moto (`moto/cognitoidp/resources/jwks-private.json`): anyone can forge a
token with it. The least invasive hook is that one name: `signing_with(directory)` replaces
`moto.cognitoidp.models.jwt` with a signer that keeps moto's claims, header and algorithm but
signs with the data directory's key (through PyJWT) and names that key's `kid`; everything
else of joserfc's module passes through. An ID token's group role claims, which moto does not
write, are added there too (`cognito_group_roles`). AppSync verifies the pools' tokens against
the same key's public half (`appsync.authorizer`), so moto's bundled key never verifies.

The hook is process-wide, as moto's backends are: while several servers run in one process
(tests), the one started last signs.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from appsync.aws.cognito_group_roles import with_group_roles
from appsync.aws.endpoint import ServiceRoute
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from appsync.data_directory import DataDirectory, DataDirectoryError
from auth.errors import JwksUnavailableError

_MODELS = "moto.cognitoidp.models"
_lock = threading.Lock()
_directories: list[DataDirectory] = []


class _InstallationSigner:
    """Stands in for joserfc's `jwt` module inside `moto.cognitoidp.models`."""

    def __init__(self, original: Any, key: Callable[[], dict[str, Any]]) -> None:
        self.original = original
        self._key = key
        # The last key parsed, by kid: parsing an RSA key costs more than signing with it.
        self._parsed: tuple[str, Any] | None = None

    def encode(self, header: dict[str, Any], claims: dict[str, Any], key: Any, *args: Any) -> str:
        import jwt  # PyJWT, when the embedded Cognito first signs (not at every start)

        private = self._key()
        kid = str(private["kid"])
        parsed = self._parsed
        if parsed is None or parsed[0] != kid:
            parsed = self._parsed = (kid, jwt.PyJWK(private).key)
        headers = {**header, "kid": kid}
        return jwt.encode(
            with_group_roles(claims),
            parsed[1],
            algorithm=header.get("alg", "RS256"),
            headers=headers,
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


def signed_again(claims: dict[str, Any]) -> str:
    """A token of `claims` signed as the embedded pools sign theirs: the installation's key,
    RS256, its `kid` (for a user pool trigger that changes a token's claims)."""
    import jwt  # PyJWT, as where the embedded Cognito signs

    private = _current_key()
    return jwt.encode(
        claims, jwt.PyJWK(private).key, algorithm="RS256", headers={"kid": str(private["kid"])}
    )


def _current_key() -> dict[str, Any]:
    with _lock:
        directory = _directories[-1]
    return directory.cognito_signing_key()


@contextmanager
def signing_with(directory: DataDirectory) -> Iterator[None]:
    """While inside, the embedded user pools sign with `directory`'s key.

    moto's Cognito is imported by its first use (`install_signer`, which the endpoint's
    `cognito-idp` route and the definition's user pools call first), not here: importing it
    cost every start of `serve` a tenth of its time to the first answer (issue 19).
    """
    with _lock:
        _directories.append(directory)
    if _MODELS in sys.modules:
        install_signer()
    try:
        yield
    finally:
        with _lock:
            _directories.remove(directory)
            models = sys.modules.get(_MODELS)
            names = vars(models) if models is not None else {}
            signer = names.get("jwt")
            if not _directories and isinstance(signer, _InstallationSigner):
                names["jwt"] = signer.original


def install_signer() -> None:
    """moto's Cognito imported, signing with the installation's key while a `signing_with`
    holds one (once; later calls change nothing)."""
    import moto.cognitoidp.models as models

    # The module's own namespace: `jwt` is a name moto imported, not one it exports.
    names = vars(models)
    with _lock:
        if _directories and not isinstance(names["jwt"], _InstallationSigner):
            names["jwt"] = _InstallationSigner(names["jwt"], _current_key)


class SigningCognito:
    """`ServiceRoute` for `cognito-idp`: moto's, its signer installed before its first call."""

    __slots__ = ("_moto",)

    def __init__(self, moto: ServiceRoute) -> None:
        self._moto = moto

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        install_signer()
        return await self._moto.handle(request, call)


class EmbeddedPoolKeys:
    """`auth.oidc.JwksSource`: the public half of the installation's key, read (or made) on
    first use, in a worker thread."""

    __slots__ = ("_directory",)

    def __init__(self, directory: DataDirectory) -> None:
        self._directory = directory

    async def fetch(self) -> Mapping[str, Any]:
        try:
            return await asyncio.to_thread(self._directory.cognito_jwks)
        except DataDirectoryError as error:
            raise JwksUnavailableError(str(error)) from error
