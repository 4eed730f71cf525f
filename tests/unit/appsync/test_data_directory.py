"""The data directory: made on first use with a `.gitignore` of `*`, holding this installation's
Cognito signing key (an RS256 private JWK readable by its owner only), or memory only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import jwt
import pytest

from appsync.data_directory import DataDirectory, DataDirectoryError


def test_the_default_folder_is_beside_the_definition(tmp_path: Path) -> None:
    definition = tmp_path / "api" / "appsync.yaml"
    assert DataDirectory.beside(definition).path == tmp_path / "api" / ".appsync-local"


def test_nothing_is_written_until_first_use(tmp_path: Path) -> None:
    directory = DataDirectory(tmp_path / ".appsync-local")
    assert not (tmp_path / ".appsync-local").exists()
    directory.cognito_signing_key()
    assert (tmp_path / ".appsync-local" / ".gitignore").read_text() == "*\n"


def test_the_key_is_made_once_and_read_back_by_the_next_run(tmp_path: Path) -> None:
    first = DataDirectory(tmp_path / "data").cognito_signing_key()
    again = DataDirectory(tmp_path / "data").cognito_signing_key()
    assert first == again
    assert (first["kty"], first["alg"], first["use"]) == ("RSA", "RS256", "sig")
    file = tmp_path / "data" / "cognito-signing-key.json"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_the_jwks_holds_the_public_half_only(tmp_path: Path) -> None:
    directory = DataDirectory(tmp_path / "data")
    [public] = directory.cognito_jwks()["keys"]
    private = directory.cognito_signing_key()
    assert "d" not in public
    assert "p" not in public
    token = jwt.encode({"sub": "ada"}, jwt.PyJWK(private).key, algorithm="RS256")
    assert jwt.decode(token, jwt.PyJWK(public).key, algorithms=["RS256"]) == {"sub": "ada"}


def test_each_installation_has_its_own_key(tmp_path: Path) -> None:
    one = DataDirectory(tmp_path / "one").cognito_signing_key()
    other = DataDirectory(tmp_path / "other").cognito_signing_key()
    assert one["n"] != other["n"]
    assert one["kid"] != other["kid"]


def test_an_ephemeral_directory_writes_nothing(tmp_path: Path) -> None:
    directory = DataDirectory.ephemeral()
    key = directory.cognito_signing_key()
    assert directory.cognito_signing_key() == key
    assert directory.describe() == "memory only (--ephemeral)"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_made_is_reported_with_its_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DataDirectoryError) as raised:
        DataDirectory(blocker / "data").cognito_signing_key()
    assert str(blocker / "data") in str(raised.value)


def test_a_held_folder_is_refused_to_a_second_holder(tmp_path: Path) -> None:
    """`flock` locks belong to an open file: a second open of the lock, in this process or
    another, is refused while the first is held, and taken once it is released."""
    directory = DataDirectory(tmp_path / "data")
    with directory.held():
        with (
            pytest.raises(
                DataDirectoryError,
                match=rf"in use by another appsync-local \(process {os.getpid()}\)",
            ),
            DataDirectory(tmp_path / "data").held(),
        ):
            pass
        with pytest.raises(DataDirectoryError, match="in use"):
            directory.reset()
    with DataDirectory(tmp_path / "data").held():
        pass


def test_memory_only_holds_nothing_and_has_no_files(tmp_path: Path) -> None:
    directory = DataDirectory.ephemeral()
    with directory.held():
        assert directory.file("dynamodb.sqlite") is None
    assert directory.reset() == []


def test_reset_deletes_the_data_files_and_keeps_the_key_and_anything_else(tmp_path: Path) -> None:
    directory = DataDirectory(tmp_path / "data")
    directory.cognito_signing_key()
    names = [
        *["dynamodb.sqlite", "dynamodb.sqlite-wal", "stepfunctions.sqlite", "resources.json"],
        "notes.txt",
    ]
    for name in names:
        (tmp_path / "data" / name).write_text("x")
    # The queues' and buckets' journal, and their large objects' folder.
    (tmp_path / "data" / "resources.journal").write_text("x")
    (tmp_path / "data" / "resources.objects").mkdir()
    (tmp_path / "data" / "resources.objects" / "0f").write_text("x")
    deleted = directory.reset()
    assert [path.name for path in deleted] == [*names[:4], "resources.journal", "resources.objects"]
    left = sorted(path.name for path in (tmp_path / "data").iterdir())
    assert left == [".gitignore", "cognito-signing-key.json", "lock", "notes.txt"]
    assert directory.reset() == []
