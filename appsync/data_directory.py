"""The data directory: what this installation keeps between runs.

`serve` uses `.appsync-local/` beside the definition file unless `--data-dir` names another
folder; it is created on first use, with a `.gitignore` holding `*` so that nothing in it is
ever committed by accident. `--ephemeral` keeps everything in memory instead.

Today it holds the RSA key the embedded Cognito user pools sign their tokens with
(`cognito-signing-key.json`, a private JWK readable by its owner only): a key made for this
installation, never the key pair that ships inside moto, whose private half anyone can read.
Embedded data (DynamoDB tables, Step Functions executions, Cognito users) is still in memory
only; it will live here too.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

logger = logging.getLogger(__name__)

DEFAULT_NAME = ".appsync-local"
_COGNITO_KEY = "cognito-signing-key.json"
# The key size Cognito's own user pool keys have (RS256 with 2048-bit RSA).
_RSA_BITS = 2048


class DataDirectoryError(Exception):
    """The data directory cannot be created or read (the message names the path)."""


class DataDirectory:
    """A folder of this installation's state, or memory only (`path` None)."""

    __slots__ = ("_cognito_key", "_lock", "path")

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cognito_key: dict[str, Any] | None = None

    @classmethod
    def beside(cls, definition_file: Path) -> DataDirectory:
        """The default: `.appsync-local/` in the definition file's folder."""
        return cls(definition_file.resolve().parent / DEFAULT_NAME)

    @classmethod
    def ephemeral(cls) -> DataDirectory:
        return cls(None)

    def describe(self) -> str:
        return "memory only (--ephemeral)" if self.path is None else str(self.path)

    def ensure(self) -> Path:
        """The folder, created with its `.gitignore` on first use."""
        assert self.path is not None, "an ephemeral data directory has no folder"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            ignore = self.path / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
        except OSError as error:
            raise DataDirectoryError(f"cannot create {self.path}: {error}") from error
        return self.path

    def cognito_signing_key(self) -> dict[str, Any]:
        """The private JWK (RS256) the embedded user pools sign with, made on first use.

        Called from the event loop's worker threads and moto's: one key per directory.
        """
        with self._lock:
            if self._cognito_key is None:
                self._cognito_key = self._load_or_make_key()
            return self._cognito_key

    def cognito_jwks(self) -> dict[str, Any]:
        """The public half, as a JWKS document (what the pool's `jwks.json` would serve)."""
        private = self.cognito_signing_key()
        public = {name: private[name] for name in ("kty", "n", "e", "kid", "alg", "use")}
        return {"keys": [public]}

    def _load_or_make_key(self) -> dict[str, Any]:
        if self.path is None:
            return _new_key()
        file = self.ensure() / _COGNITO_KEY
        try:
            if file.exists():
                key: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
                return key
            key = _new_key()
            # Written readable by the owner only, then moved into place whole.
            partial = file.with_suffix(".tmp")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                json.dump(key, out)
            partial.replace(file)
        except (OSError, ValueError) as error:
            raise DataDirectoryError(f"cannot read or write {file}: {error}") from error
        logger.info("made the Cognito signing key of this installation: %s", file)
        return key


def _new_key() -> dict[str, Any]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private))
    # Cognito's key ids are opaque base64 strings; any unique text serves.
    jwk.update({"kid": secrets.token_urlsafe(24), "alg": "RS256", "use": "sig"})
    return jwk
