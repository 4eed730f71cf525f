"""Where the API's CloudWatch-shaped events (`appsync.api_log`) are written.

`JsonLinesSink` writes one JSON object per event, `{"timestamp": <epoch ms>, "message": <text>}`:
PutLogEvents' InputLogEvent, which is also what FilterLogEvents and subscription filters hand to
the tools that read AppSync's log group, so the same parsers read this file. `TextSink` writes
one readable line per event for a terminal: the time, the request id's first block, the log
type and what matters in it. A request's events are written together, in one call, when it ends.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from appsync.api_log import LogEvent

# How much of a template or context a readable line shows.
_SHOWN = 300
# How long written lines may wait in the stream's buffer while the server runs.
FLUSH_SECONDS = 0.1
# One encoder for every line (`json.dumps` with options builds one per call).
_ENCODER = json.JSONEncoder(ensure_ascii=False)


class LogFormat(StrEnum):
    JSON = "json"
    TEXT = "text"
    # Text on a terminal, JSON lines anywhere else.
    AUTO = "auto"


class _StreamSink:
    """A stream flushed at most every FLUSH_SECONDS while an event loop runs (a flush per
    request was a tenth of a logged request's time), at once outside one."""

    __slots__ = ("_flush_due", "_stream")

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._flush_due = False

    def close(self) -> None:
        """Flush, and close the stream unless it is standard output."""
        self._stream.flush()
        if self._stream is not sys.stdout:
            self._stream.close()

    def _written(self) -> None:
        if self._flush_due:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._stream.flush()
            return
        self._flush_due = True
        loop.call_later(FLUSH_SECONDS, self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        if not self._stream.closed:
            self._stream.flush()


class JsonLinesSink(_StreamSink):
    """One `{"timestamp", "message"}` JSON object per line."""

    __slots__ = ()

    def write(self, events: Sequence[LogEvent]) -> None:
        encode = _ENCODER.encode
        lines = "".join(
            f'{{"timestamp": {timestamp}, "message": {encode(message)}}}\n'
            for timestamp, message in events
        )
        self._stream.write(lines)
        self._written()


class TextSink(_StreamSink):
    """One readable line per event."""

    __slots__ = ()

    def write(self, events: Sequence[LogEvent]) -> None:
        self._stream.write(
            "".join(readable(timestamp, message) + "\n" for timestamp, message in events)
        )
        self._written()


def readable(timestamp: int, message: str) -> str:
    """One event as a terminal line."""
    clock = datetime.fromtimestamp(timestamp / 1000).strftime("%H:%M:%S.%f")[:-3]
    if not message.startswith("{"):
        request_id, _, text = message.partition(" ")
        return f"{clock} {request_id[:8]} {_cut(text)}"
    event: dict[str, Any] = json.loads(message)
    if "execution_arn" in event:
        # A Step Functions execution's event: the execution's name, the type, the details.
        name = str(event["execution_arn"]).split(":")[-1]
        details = _cut(json.dumps(event.get("details", {}), ensure_ascii=False))
        return f"{clock} {name[:8]} {event.get('type')} {details}"
    kind = event.get("logType", "")
    head = f"{clock} {str(event.get('requestId', ''))[:8]} {kind}"
    where = f"{event.get('parentType')}.{event.get('fieldName')}"
    path = "/".join(str(step) for step in event.get("path", ()))
    if kind == "Tracing":
        cached = " (cached)" if event.get("cached") else ""
        return f"{head} {where} {path} {event['duration'] / 1e6:.3f} ms{cached}"
    if kind == "RequestSummary":
        return f"{head} {event['statusCode']} {event['latency'] / 1e6:.3f} ms"
    if kind == "ExecutionSummary":
        return f"{head} {event['duration'] / 1e6:.3f} ms"
    function = f" function {event['functionName']}" if "functionName" in event else ""
    line = f"{head} {where}{function} {path}"
    if event.get("errors"):
        line += f" errors={_cut(json.dumps(event['errors'], ensure_ascii=False))}"
    if "transformedTemplate" in event:
        line += f" {_cut(event['transformedTemplate'])}"
    return line


def _cut(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def open_sink(destination: str, log_format: LogFormat) -> JsonLinesSink | TextSink:
    """A sink writing to `destination` (a file, appended to; "-" for standard output)."""
    stream: TextIO
    if destination == "-":
        stream = sys.stdout
    else:
        path = Path(destination)
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = path.open("a", encoding="utf-8")
    text = log_format is LogFormat.TEXT or (log_format is LogFormat.AUTO and stream.isatty())
    return TextSink(stream) if text else JsonLinesSink(stream)
