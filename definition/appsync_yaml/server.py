"""The local `server.realtime` and `server.tls` blocks: the realtime endpoint's knobs and TLS.

    server:
      realtime:
        redisUrl: redis://127.0.0.1:6379/0   # several server processes share mutations
        keepAliveIntervalSeconds: 60          # how often `ka` frames go out (AppSync: ~60 s)
        inboxCapacity: 1000                   # publications queued per slow subscription
      tls:
        certFile: cert.pem                    # PEM certificate (chain), relative to the file
        keyFile: key.pem
        # or: selfSigned: true                (a cached certificate for localhost)

AppSync has neither block: its endpoint is always `wss://`, its fan-out is the service's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appsync.pubsub import DEFAULT_INBOX_CAPACITY, Broker, BrokerError, InMemoryBroker, RedisBroker
from appsync.realtime.endpoint import RealtimeSettings
from appsync.realtime.messages import KEEP_ALIVE_INTERVAL_SECONDS
from definition.appsync_yaml.reader import ConfigReader, join, kind

_REALTIME_KEYS = ("redisUrl", "keepAliveIntervalSeconds", "inboxCapacity")
_TLS_KEYS = ("certFile", "keyFile", "selfSigned")


@dataclass(frozen=True, slots=True)
class RealtimeSpec:
    """`server.realtime`: without `redisUrl` the broker is in memory (one process)."""

    redis_url: str | None = None
    keep_alive_interval_seconds: float = KEEP_ALIVE_INTERVAL_SECONDS
    inbox_capacity: int = DEFAULT_INBOX_CAPACITY

    def broker(self) -> Broker:
        """A new broker: Redis's when `redisUrl` is set, else one process's own."""
        return RedisBroker(self.redis_url) if self.redis_url else InMemoryBroker()

    def settings(self) -> RealtimeSettings:
        return RealtimeSettings(
            keep_alive_interval_seconds=self.keep_alive_interval_seconds,
            inbox_capacity=self.inbox_capacity,
        )


@dataclass(frozen=True, slots=True)
class TlsSpec:
    """`server.tls`: the certificate and key files, or a self-signed one for localhost."""

    cert_file: Path | None = None
    key_file: Path | None = None
    self_signed: bool = False


def read_realtime(reader: ConfigReader, value: Any, path: str) -> RealtimeSpec:
    if value is None:
        return RealtimeSpec()
    block = reader.mapping(value, path, _REALTIME_KEYS)
    if block is None:
        return RealtimeSpec()
    defaults = RealtimeSpec()
    redis_url = reader.string(block, "redisUrl", path, required=False)
    if redis_url is not None:
        try:
            RedisBroker(redis_url)
        except BrokerError as error:
            reader.problem(join(path, "redisUrl"), str(error))
            redis_url = None
    return RealtimeSpec(
        redis_url=redis_url,
        keep_alive_interval_seconds=reader.number(
            block, "keepAliveIntervalSeconds", path, defaults.keep_alive_interval_seconds
        ),
        inbox_capacity=reader.integer(
            block, "inboxCapacity", path, 1, 1_000_000, defaults.inbox_capacity
        ),
    )


def read_tls(reader: ConfigReader, value: Any, path: str) -> TlsSpec | None:
    """None: plain HTTP (the default)."""
    if value is None:
        return None
    block = reader.mapping(value, path, _TLS_KEYS)
    if block is None:
        return None
    self_signed = block.get("selfSigned", False)
    if not isinstance(self_signed, bool):
        reader.problem(join(path, "selfSigned"), f"expected true or false, got {kind(self_signed)}")
        return None
    cert_file = reader.file_path(block, "certFile", path)
    key_file = reader.file_path(block, "keyFile", path)
    named = ("certFile" in block) + ("keyFile" in block)
    if self_signed and named:
        reader.problem(path, "selfSigned: true and certFile/keyFile exclude each other")
        return None
    if not self_signed and named != 2:
        reader.problem(path, "expected both certFile and keyFile, or selfSigned: true")
        return None
    if cert_file is None and not self_signed:
        return None
    if key_file is None and not self_signed:
        return None
    return TlsSpec(cert_file, key_file, self_signed)
