"""Where the API's log events go: JSON lines shaped as CloudWatch Logs' InputLogEvent
(`{timestamp, message}`, PutLogEvents), or one readable line per event for a terminal."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from appsync.log_sinks import (
    FLUSH_SECONDS,
    JsonLinesSink,
    LogFormat,
    TextSink,
    open_sink,
    readable,
)

REQUEST_ID = "dbe87af3-c114-4b32-ae79-8af11f3f96f1"
TRACING = json.dumps(
    {
        "logType": "Tracing",
        "path": ["getPost", "author"],
        "fieldName": "author",
        "parentType": "Post",
        "returnType": "Author",
        "startOffset": 178156,
        "duration": 2_500_000,
        "requestId": REQUEST_ID,
    }
)


def test_json_lines_are_input_log_events_one_per_line() -> None:
    stream = io.StringIO()
    JsonLinesSink(stream).write(
        [(1_700_000_000_000, TRACING), (1_700_000_000_001, "x End Request")]
    )
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines == [
        {"timestamp": 1_700_000_000_000, "message": TRACING},
        {"timestamp": 1_700_000_000_001, "message": "x End Request"},
    ]


def test_a_readable_line_says_what_matters_in_each_event() -> None:
    line = readable(0, TRACING)
    assert line.endswith(" dbe87af3 Tracing Post.author getPost/author 2.500 ms")
    mapping = json.dumps(
        {
            "logType": "ResponseMapping",
            "path": ["getPost"],
            "fieldName": "getPost",
            "parentType": "Query",
            "requestId": REQUEST_ID,
            "errors": [{"message": "boom", "errorType": "DynamoDB:ValidationException"}],
            "transformedTemplate": '{\n  "id": 1\n}',
        }
    )
    shown = readable(0, mapping)
    assert "ResponseMapping Query.getPost getPost errors=" in shown
    assert "DynamoDB:ValidationException" in shown
    assert "\n" not in shown
    assert readable(0, f"{REQUEST_ID} Begin Request").endswith(" dbe87af3 Begin Request")
    summary = json.dumps(
        {
            "logType": "RequestSummary",
            "requestId": REQUEST_ID,
            "statusCode": 200,
            "latency": 1_000_000,
        }
    )
    assert readable(0, summary).endswith("RequestSummary 200 1.000 ms")


def test_text_sink_writes_a_line_per_event() -> None:
    stream = io.StringIO()
    TextSink(stream).write([(0, TRACING), (0, f"{REQUEST_ID} End Request")])
    assert len(stream.getvalue().splitlines()) == 2


def test_a_file_destination_is_appended_to_as_json_unless_text_is_asked(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "api.jsonl"
    for timestamp, message in [(1, "a Begin Request"), (2, "a End Request")]:
        sink = open_sink(str(path), LogFormat.AUTO)
        sink.write([(timestamp, message)])
        sink.close()
    assert [json.loads(line)["timestamp"] for line in path.read_text().splitlines()] == [1, 2]
    text = open_sink(str(path), LogFormat.TEXT)
    assert isinstance(text, TextSink)
    text.close()
    stdout = open_sink("-", LogFormat.JSON)
    assert isinstance(stdout, JsonLinesSink)
    stdout.close()  # standard output stays open
    print("still open")


def test_a_step_functions_event_reads_as_its_execution_type_and_details() -> None:
    event = json.dumps(
        {
            "id": "3",
            "type": "ExecutionFailed",
            "details": {"error": "E", "cause": "c"},
            "previous_event_id": "2",
            "event_timestamp": "1700000000000",
            "execution_arn": "arn:aws:states:us-east-1:123456789012:execution:m:order-7",
        }
    )
    assert readable(0, event).endswith(' order-7 ExecutionFailed {"error": "E", "cause": "c"}')


@pytest.mark.anyio
async def test_while_the_server_runs_lines_reach_the_file_within_the_flush_interval(
    tmp_path: Path,
) -> None:
    path = tmp_path / "api.jsonl"
    sink = open_sink(str(path), LogFormat.JSON)
    sink.write([(1, "a Begin Request")])
    sink.write([(2, "a End Request")])
    assert path.read_text() == ""  # one flush for both, a little later
    await asyncio.sleep(FLUSH_SECONDS * 2)
    assert len(path.read_text().splitlines()) == 2
    sink.close()
