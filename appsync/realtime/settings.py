"""The realtime endpoint's knobs (`RealtimeSettings`), AppSync's values unless the definition's
`server.realtime` sets them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from appsync.pubsub import DEFAULT_INBOX_CAPACITY
from appsync.realtime import messages
from definition.model import RealtimeSpec


@dataclass(frozen=True, slots=True)
class RealtimeSettings:
    """Knobs of the realtime endpoint; defaults are AppSync's values."""

    graphql_path: str = "/graphql"
    keep_alive_interval_seconds: float = messages.KEEP_ALIVE_INTERVAL_SECONDS
    connection_timeout_ms: int = messages.CONNECTION_TIMEOUT_MS
    max_subscriptions: int = messages.MAX_SUBSCRIPTIONS_PER_CONNECTION
    max_payload_bytes: int = messages.MAX_SUBSCRIPTION_PAYLOAD_BYTES
    inbox_capacity: int = DEFAULT_INBOX_CAPACITY
    first_frame_timeout_seconds: float = messages.FIRST_FRAME_TIMEOUT_SECONDS

    @classmethod
    def of(cls, spec: RealtimeSpec) -> RealtimeSettings:
        """The definition's `server.realtime` knobs; one it leaves out keeps AppSync's value."""
        defaults = cls()
        return cls(
            keep_alive_interval_seconds=spec.keep_alive_interval_seconds
            or defaults.keep_alive_interval_seconds,
            inbox_capacity=spec.inbox_capacity or defaults.inbox_capacity,
        )

    @property
    def idle_limit(self) -> int:
        """Keep-alive turns without a subscription after which a socket closes: the turns that
        span `connection_timeout_ms`."""
        return math.ceil(self.connection_timeout_ms / 1000 / self.keep_alive_interval_seconds)
