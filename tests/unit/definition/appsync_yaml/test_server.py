"""The local `server.realtime` and `server.tls` blocks of the API definition."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.app import load_api
from appsync.pubsub import InMemoryBroker, RedisBroker
from definition.appsync_yaml.api import RealtimeSpec, TlsSpec, load_config
from tests.unit.definition.appsync_yaml.appsync_yaml_support import problems, write_definition

HEAD = """
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-abcdefghijklmnopqrstuvwxyz}]
"""


def write(folder: Path, server: str) -> Path:
    return write_definition(folder, "type Query { a: String }\n", HEAD + server)


def test_without_the_blocks_realtime_is_in_memory_with_appsync_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.server.realtime == RealtimeSpec()
    assert config.server.tls is None
    api = load_api(config)
    assert isinstance(api.realtime.broker, InMemoryBroker)
    # AppSync sends `ka` about once a minute (reference/appsync.md 3.3).
    assert api.realtime.settings.keep_alive_interval_seconds == 60.0


def test_the_realtime_block_reaches_the_runtime(tmp_path: Path) -> None:
    server = """
server:
  realtime:
    redisUrl: redis://127.0.0.1:6399/2
    keepAliveIntervalSeconds: 15
    inboxCapacity: 50
"""
    config = load_config(write(tmp_path, server))
    assert config.server.realtime == RealtimeSpec("redis://127.0.0.1:6399/2", 15.0, 50)
    api = load_api(config)
    assert isinstance(api.realtime.broker, RedisBroker)
    assert api.realtime.settings.keep_alive_interval_seconds == 15.0
    assert api.realtime.settings.inbox_capacity == 50


def test_bad_realtime_values_are_listed_with_their_key_paths(tmp_path: Path) -> None:
    server = """
server:
  realtime:
    redisUrl: http://127.0.0.1:6379
    keepAliveIntervalSeconds: 0
    inboxCapacity: many
    channels: 3
"""
    found = problems(write(tmp_path, server))
    assert [line.split(":")[0] for line in found] == [
        "server.realtime.channels",
        "server.realtime.redisUrl",
        "server.realtime.keepAliveIntervalSeconds",
        "server.realtime.inboxCapacity",
    ]
    assert "not a Redis URL" in found[1]


def test_tls_files_are_resolved_from_the_definition_folder(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("-")
    (tmp_path / "key.pem").write_text("-")
    config = load_config(
        write(tmp_path, "server:\n  tls: {certFile: cert.pem, keyFile: key.pem}\n")
    )
    assert config.server.tls == TlsSpec(tmp_path / "cert.pem", tmp_path / "key.pem", False)


def test_a_self_signed_tls_block(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "server:\n  tls: {selfSigned: true}\n"))
    assert config.server.tls == TlsSpec(None, None, True)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("{certFile: cert.pem}", "server.tls: expected both certFile and keyFile"),
        ("{selfSigned: true, certFile: cert.pem}", "server.tls: selfSigned: true and certFile"),
        ("{selfSigned: yes please}", "server.tls.selfSigned: expected true or false"),
        ("{certFile: gone.pem, keyFile: cert.pem}", "server.tls.certFile: file not found"),
        ("{port: 443}", "server.tls.port: unknown key"),
    ],
)
def test_bad_tls_blocks_are_refused(tmp_path: Path, block: str, expected: str) -> None:
    (tmp_path / "cert.pem").write_text("-")
    found = problems(write(tmp_path, f"server:\n  tls: {block}\n"))
    assert any(line.startswith(expected) for line in found), found
