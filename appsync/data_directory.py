"""The data directory: what this installation keeps between runs.

`serve` uses `.appsync-local/` beside the definition file unless `--data-dir` names another
folder; it is created on first use, with a `.gitignore` holding `*` so that nothing in it is
ever committed by accident. `--ephemeral` keeps everything in memory instead.

It holds:
* `dynamodb.sqlite`: the embedded DynamoDB's tables and items (`resolvers.datasources.
  dynamodb_store`), written through before each write is answered (to the operating system,
  which a killed server cannot lose; to the disk with `fsync`);
* `stepfunctions.sqlite`: the Step Functions engine's state machines, activities and Standard
  executions with their history (`stepfunctions.store.sqlite`), unless the definition names
  `server.stepFunctions.database`;
* `cognito-identities.jsonl`: the identities the embedded Cognito identity pools gave guests
  and users (`appsync.aws.identity_pools`), a line each time one is made or signs in;
* `resources.json`, `resources.journal` and `resources.objects/`: what a template's SQS queues
  and S3 buckets hold, a snapshot and the changes since, each written before it is answered,
  large objects in files of their own (`appsync.aws.resource_files`);
* `ssm-parameters.json`: the SSM parameters users put through the AWS endpoint (an Amplify
  Gen 2 function's secrets among them), written before each write is answered
  (`appsync.aws.parameter_store`);
* `cognito-signing-key.json`: the RSA key the embedded Cognito user pools sign their tokens
  with (a private JWK readable by its owner only): a key made for this installation, never the
  key pair that ships inside moto, whose private half anyone can read;
* `lock`: held (`flock`) by the server using the folder, so that a second server, or `reset`,
  does not write under it. The kernel releases it when the process ends, however it ends.

`reset()` (`appsync-local reset`) deletes the data files and keeps the key and the console's
token (`appsync.console.access`): they are this installation's identity rather than its data,
and tokens signed with the key (in a browser's storage, in test fixtures) stay verifiable after
the data is emptied, as consoles open in a browser stay signed in. Cognito users and the
other moto services' data (but a template's queues and buckets) are in memory only.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_NAME = ".appsync-local"
_COGNITO_KEY = "cognito-signing-key.json"
DYNAMODB_FILE = "dynamodb.sqlite"
STEPFUNCTIONS_FILE = "stepfunctions.sqlite"
IDENTITIES_FILE = "cognito-identities.jsonl"
# A template's queues' messages and buckets' objects: the snapshot; its journal and the
# objects' folder are beside it (`appsync.aws.resource_files`).
RESOURCES_FILE = "resources.json"
RESOURCES_JOURNAL = "resources.journal"
RESOURCES_OBJECTS = "resources.objects"
# The SSM parameters users wrote (`appsync.aws.parameter_store`).
PARAMETERS_FILE = "ssm-parameters.json"
_LOCK = "lock"
# What `reset` deletes: the SQLite files with their write-ahead logs and shared-memory indexes,
# the identity pools' identities, and what the template's queues and buckets held.
_DATA_FILES = (
    *(
        name + suffix
        for name in (DYNAMODB_FILE, STEPFUNCTIONS_FILE)
        for suffix in ("", "-wal", "-shm", "-journal")
    ),
    IDENTITIES_FILE,
    RESOURCES_FILE,
    RESOURCES_JOURNAL,
    RESOURCES_OBJECTS,
    PARAMETERS_FILE,
)
# The key size Cognito's own user pool keys have (RS256 with 2048-bit RSA).
_RSA_BITS = 2048


class DataDirectoryError(Exception):
    """The data directory cannot be created or read (the message names the path)."""


class DataDirectory:
    """A folder of this installation's state, or memory only (`path` None). `fsync`: each
    write waits for the disk (`serve --fsync`), not only for the operating system.
    `cognito_key`: the signing key already made (a worker of `serve --workers` verifies tokens
    with the primary's key, and keeps nothing itself)."""

    __slots__ = ("_cognito_key", "_lock", "fsync", "path")

    def __init__(
        self, path: Path | None, *, fsync: bool = False, cognito_key: dict[str, Any] | None = None
    ) -> None:
        self.path = path
        self.fsync = fsync
        self._lock = threading.Lock()
        self._cognito_key = cognito_key

    @classmethod
    def beside(cls, definition_file: Path, *, fsync: bool = False) -> DataDirectory:
        """The default: `.appsync-local/` in the definition file's folder."""
        return cls(definition_file.resolve().parent / DEFAULT_NAME, fsync=fsync)

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

    def file(self, name: str) -> Path | None:
        """`name` in the folder (created), or None when memory only."""
        return None if self.path is None else self.ensure() / name

    @contextmanager
    def held(self) -> Iterator[None]:
        """The folder for this process alone while inside (nothing to hold when memory only);
        raises DataDirectoryError when another process holds it."""
        if self.path is None:
            yield
            return
        lock = self.ensure() / _LOCK
        try:
            descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise DataDirectoryError(f"cannot open {lock}: {error}") from error
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(descriptor, 32).decode("ascii", "replace").strip()
                raise DataDirectoryError(
                    f"{self.path} is in use by another appsync-local (process {holder or '?'})"
                ) from None
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, str(os.getpid()).encode(), 0)
            yield
        finally:
            # Closing the descriptor releases the lock.
            os.close(descriptor)

    def reset(self) -> list[Path]:
        """Delete the data files (not the Cognito key nor the console token, see the module
        docstring); returns what was deleted. Raises DataDirectoryError while a server holds
        the folder."""
        if self.path is None or not self.path.is_dir():
            return []
        with self.held():
            deleted = []
            for name in _DATA_FILES:
                file = self.path / name
                try:
                    if file.is_dir():
                        shutil.rmtree(file)
                    else:
                        file.unlink()
                except FileNotFoundError:
                    continue
                except OSError as error:
                    raise DataDirectoryError(f"cannot delete {file}: {error}") from error
                deleted.append(file)
        return deleted

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
    # Imported here, once per installation: `appsync-local stepfunctions` reads this module for
    # its console token and makes no key (issue 19: what it imports is its start).
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private))
    # Cognito's key ids are opaque base64 strings; any unique text serves.
    jwk.update({"kid": secrets.token_urlsafe(24), "alg": "RS256", "use": "sig"})
    return jwk
