"""A `start` in the API's log: nothing when the API does not log; otherwise the request's lines
(the start's authorization object as headers, the API key masked as AppSync masks it), the
subscription field's events, and the summaries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from appsync.api_log import ApiLog, LogEvent
from appsync.realtime.protocol import Subscribe
from appsync.realtime.start_log import STARTED, start_log, subscription_field_log
from definition.model import FieldLogLevel, LogConfig

START = Subscribe(
    subscription_id="s-1",
    query="subscription On { onCreate { id } }",
    variables={"a": 1},
    operation_name="On",
    data="{}",
    authorization={"host": "localhost", "x-api-key": "da2-abcdefghijklmnopqrstuvwxyz"},
)


@dataclass
class Kept:
    written: list[Sequence[LogEvent]] = field(default_factory=list)

    def write(self, events: Sequence[LogEvent]) -> None:
        self.written.append(events)


@dataclass
class Source:
    log: ApiLog | None


def test_no_log_when_the_api_does_not_log() -> None:
    assert start_log(None, START) is None
    assert start_log(Source(None), START) is None
    assert subscription_field_log(None, "Subscription", "onCreate", "Item") is None


def test_a_start_is_written_as_a_request() -> None:
    sink = Kept()
    log = ApiLog(LogConfig(FieldLogLevel.ALL), sink, "api1", "arn:aws:appsync:r:1:apis/api1")
    request = start_log(Source(log), START)
    assert request is not None
    field_log = subscription_field_log(request, "Subscription", "onCreate", "Item")
    assert field_log is not None
    field_log.finish(())
    request.finish(STARTED, ())
    [events] = sink.written
    texts = [message for _, message in events]
    assert texts[1].endswith(
        'GraphQL Query: subscription On { onCreate { id } }, Operation: On, Variables: {"a": 1}'
    )
    assert texts[2].endswith("Request Headers: {host=[localhost], x-api-key=[****uvwxyz]}")
    bodies = [json.loads(text) for text in texts if text.startswith("{")]
    tracing = next(body for body in bodies if body["logType"] == "Tracing")
    assert (tracing["path"], tracing["parentType"], tracing["returnType"]) == (
        ["onCreate"],
        "Subscription",
        "Item",
    )
    assert tracing["resolverArn"].endswith("/types/Subscription/fields/onCreate")
    summary = next(body for body in bodies if body["logType"] == "RequestSummary")
    assert summary["statusCode"] == 200
