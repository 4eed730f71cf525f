"""Who may call the console API, and with what.

The console API reads and changes everything the server holds (DynamoDB items, workflows and
their executions, every request's resolver log), which AWS guards with IAM credentials. So a
caller must present the installation's console token, `Authorization: Bearer <token>` on HTTP
and `{"authorization": "Bearer <token>"}` as graphql-transport-ws's `connection_init` payload,
besides what guards the whole port:

* the Host check (`appsync.hosts`): on loopback, only loopback names, so a page whose own name
  was pointed at 127.0.0.1 (DNS rebinding) is refused before anything else runs;
* no CORS: the console API answers no preflight, so a page on another origin cannot send the
  `Authorization` header, and cannot read `config.json` where the token is given out;
* websockets, to which browsers apply no CORS, are refused when their `Origin` is another
  origin than the one they were sent to (Strawberry's check, cross-site websocket hijacking).

The token is made once per installation (`console-token` in the data directory, readable by its
owner only; a new one per process with `--ephemeral`) and printed in `serve`'s banner.
`/console/config.json` hands it to the page only when the request comes from this machine under
a loopback name: a browser on the machine needs nothing typed, while anyone reaching the server
from elsewhere (`--host` beyond loopback, or through a proxy named with `--allowed-host`) types
the token the banner shows.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from pathlib import Path

from starlette.types import Scope

from appsync.data_directory import DataDirectory, DataDirectoryError
from appsync.hosts import host_name, is_loopback

logger = logging.getLogger(__name__)

TOKEN_FILE = "console-token"
_BEARER = "bearer "
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class ConsoleToken:
    """The credential the console API requires."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    @classmethod
    def generate(cls) -> ConsoleToken:
        return cls(secrets.token_urlsafe(32))

    @classmethod
    def for_installation(cls, data: DataDirectory) -> ConsoleToken:
        """The data directory's token, made on first use; a new one when it is memory only."""
        if data.path is None:
            return cls.generate()
        file = data.ensure() / TOKEN_FILE
        try:
            if file.exists():
                value = file.read_text(encoding="utf-8").strip()
                if value:
                    return cls(value)
            token = cls.generate()
            _write_private(file, token.value)
        except OSError as error:
            raise DataDirectoryError(f"cannot read or write {file}: {error}") from error
        logger.info("made the console token of this installation: %s", file)
        return token

    def accepts(self, authorization: str | None) -> bool:
        """Whether an `Authorization` value (`Bearer <token>`) carries this token."""
        if not authorization or authorization[: len(_BEARER)].lower() != _BEARER:
            return False
        presented = authorization[len(_BEARER) :].strip()
        return hmac.compare_digest(presented.encode(), self.value.encode())


def _write_private(file: Path, value: str) -> None:
    # Readable by the owner only, then moved into place whole.
    partial = file.with_suffix(".tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(value + "\n")
    partial.replace(file)


def from_this_machine(scope: Scope) -> bool:
    """Whether a request came from a loopback address under a loopback Host name (not a name
    `--allowed-host` adds: a proxy on this machine forwarding others' requests would use one)."""
    client = scope.get("client")
    if not client or not is_loopback(str(client[0])):
        return False
    for name, value in scope["headers"]:
        if name == b"host":
            host = host_name(value.decode("latin-1"))
            return host in _LOOPBACK_NAMES or host.endswith(".localhost")
    return False


def authorization(scope: Scope) -> str | None:
    """The request's `Authorization` header."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return str(value.decode("latin-1"))
    return None
