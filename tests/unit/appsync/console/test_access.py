"""The console token: made once per installation, kept readable by its owner only, compared as a
bearer credential; and which requests come from this machine."""

from __future__ import annotations

import stat
from pathlib import Path

from appsync.console.access import TOKEN_FILE, ConsoleToken, authorization, from_this_machine
from appsync.data_directory import DataDirectory


def test_an_installation_keeps_its_token(tmp_path: Path) -> None:
    data = DataDirectory(tmp_path / ".appsync-local")
    first = ConsoleToken.for_installation(data)
    again = ConsoleToken.for_installation(DataDirectory(tmp_path / ".appsync-local"))
    assert first.value == again.value
    file = tmp_path / ".appsync-local" / TOKEN_FILE
    assert file.read_text().strip() == first.value
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert (tmp_path / ".appsync-local" / ".gitignore").read_text() == "*\n"


def test_memory_only_makes_a_token_per_process() -> None:
    first = ConsoleToken.for_installation(DataDirectory.ephemeral())
    second = ConsoleToken.for_installation(DataDirectory.ephemeral())
    assert first.value != second.value
    assert len(first.value) >= 40


def test_an_empty_token_file_is_replaced(tmp_path: Path) -> None:
    data = DataDirectory(tmp_path)
    (tmp_path / TOKEN_FILE).write_text("\n")
    token = ConsoleToken.for_installation(data)
    assert token.value
    assert (tmp_path / TOKEN_FILE).read_text().strip() == token.value


def test_only_the_bearer_token_is_accepted() -> None:
    token = ConsoleToken("s3cret-token")
    assert token.accepts("Bearer s3cret-token")
    assert token.accepts("bearer  s3cret-token ")
    assert not token.accepts("Bearer s3cret-toke")
    assert not token.accepts("s3cret-token")
    assert not token.accepts("Basic s3cret-token")
    assert not token.accepts("")
    assert not token.accepts(None)


def _scope(client: str, host: str | None) -> dict[str, object]:
    headers = [] if host is None else [(b"host", host.encode())]
    return {"type": "http", "client": (client, 40000), "headers": headers}


def test_this_machine_is_a_loopback_client_under_a_loopback_name() -> None:
    assert from_this_machine(_scope("127.0.0.1", "127.0.0.1:20002"))
    assert from_this_machine(_scope("::1", "[::1]:20002"))
    assert from_this_machine(_scope("127.0.0.1", "localhost:20002"))
    assert from_this_machine(_scope("127.0.0.1", "console.localhost"))
    # Another machine, a name a local proxy forwards others' requests with, no Host at all.
    assert not from_this_machine(_scope("192.0.2.1", "127.0.0.1:20002"))
    assert not from_this_machine(_scope("127.0.0.1", "console.example.test"))
    assert not from_this_machine(_scope("127.0.0.1", None))
    assert not from_this_machine({"type": "http", "headers": []})


def test_the_authorization_header_is_read_from_the_scope() -> None:
    scope = {"headers": [(b"content-type", b"application/json"), (b"authorization", b"Bearer x")]}
    assert authorization(scope) == "Bearer x"
    assert authorization({"headers": []}) is None
