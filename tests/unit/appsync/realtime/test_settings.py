"""The realtime endpoint's knobs: AppSync's values by default (reference/appsync.md: `ka` every
60 s, connectionTimeoutMs 300000, 100 subscriptions per connection, 240 KB payloads), the
definition's `server.realtime` where it sets them."""

from __future__ import annotations

from appsync.realtime.settings import RealtimeSettings
from definition.model import RealtimeSpec


def test_the_defaults_are_appsyncs() -> None:
    settings = RealtimeSettings()
    assert settings.connection_timeout_ms == 300_000
    assert settings.max_subscriptions == 100
    assert settings.max_payload_bytes == 240 * 1024
    # Five minutes of 60-second keep-alive turns.
    assert settings.idle_limit == 5


def test_the_definitions_knobs_replace_only_what_they_set() -> None:
    assert RealtimeSettings.of(RealtimeSpec()) == RealtimeSettings()
    settings = RealtimeSettings.of(RealtimeSpec(keep_alive_interval_seconds=7, inbox_capacity=3))
    assert (settings.keep_alive_interval_seconds, settings.inbox_capacity) == (7, 3)
    # 300 s over 7 s turns, rounded up: the socket outlives the timeout rather than not.
    assert settings.idle_limit == 43
    assert settings.max_subscriptions == RealtimeSettings().max_subscriptions
