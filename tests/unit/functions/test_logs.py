"""A function's log: lines cut to CloudWatch's event size, the 4 KB LogResult tail, Lambda's
START/END/REPORT lines, and the server log's prefix.

Formats: AWS Lambda developer guide, "Lambda function logging in Node.js" (example log
format: `START RequestId: ... Version: $LATEST`, `END RequestId: ...`, `REPORT RequestId: ...
Duration: 170.19 ms Billed Duration: 171 ms Memory Size: 128 MB Max Memory Used: 73 MB Init
Duration: 484.44 ms`, tab-separated); the Invoke API's LogResult is "the last 4 KB of the
execution log, which is base64-encoded"; a timeout's REPORT ends with `Status: timeout`.
"""

from __future__ import annotations

import base64
import logging

import pytest

from functions.logs import (
    LOG_TAIL_BYTES,
    FunctionLog,
    InvocationLog,
    LineSplitter,
    Report,
    timed_out_message,
)


def test_lines_are_split_across_chunks() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"one\ntw") == [b"one"]
    assert splitter.feed(b"o\n\nthree") == [b"two", b""]
    assert splitter.flush() == [b"three"]
    assert splitter.flush() == []


def test_a_long_line_is_cut_and_never_held_whole() -> None:
    splitter = LineSplitter(max_line=4)
    assert splitter.feed(b"abcdefghij") == [b"abcd", b"efgh"]
    assert splitter.feed(b"k\nlmnopq\n") == [b"ijk", b"lmno", b"pq"]
    assert splitter.feed(b"x" * 3) == []
    assert splitter.flush() == [b"xxx"]


def test_the_log_result_is_the_last_4_kb_base64() -> None:
    log = InvocationLog()
    for number in range(2000):
        log.append(f"line {number}".encode())
    tail = log.tail()
    assert len(tail) == LOG_TAIL_BYTES
    assert tail.endswith(b"line 1999\n")
    assert base64.b64decode(log.log_result()) == tail


def test_report_lines_have_lambdas_fields() -> None:
    first = Report(170.191, 128, 73, init_duration_ms=484.444)
    assert first.line("r-1") == (
        "REPORT RequestId: r-1\tDuration: 170.19 ms\tBilled Duration: 171 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 73 MB\tInit Duration: 484.44 ms\t"
    )
    assert Report(0.2, 256, 40).line("r-2") == (
        "REPORT RequestId: r-2\tDuration: 0.20 ms\tBilled Duration: 1 ms\t"
        "Memory Size: 256 MB\tMax Memory Used: 40 MB\t"
    )
    assert (
        Report(3000.5, 128, 40, error_type="Sandbox.Timedout")
        .line("r")
        .endswith("\tStatus: timeout\t")
    )
    assert (
        Report(1.0, 128, 40, error_type="Runtime.ExitError")
        .line("r")
        .endswith("\tStatus: error\tError Type: Runtime.ExitError\t")
    )


def test_the_timeout_message_has_two_decimals() -> None:
    assert timed_out_message(3) == "Task timed out after 3.00 seconds"
    assert timed_out_message(0.25) == "Task timed out after 0.25 seconds"


def test_lines_go_to_the_server_log_prefixed_and_to_the_invocation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = FunctionLog("orders")
    invocation = InvocationLog()
    with caplog.at_level(logging.INFO, logger="functions.logs"):
        log.start("r-1", invocation)
        log.line(b"two\rlines", "r-1", invocation)
        log.line(b"between invocations", None, None)
        log.timed_out("r-1", 1.5, invocation)
        log.end("r-1", Report(1500, 128, 30), invocation)
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "[orders r-1] START RequestId: r-1 Version: $LATEST"
    assert messages[1] == "[orders r-1] two\nlines"
    assert messages[2] == "[orders] between invocations"
    assert messages[3].endswith(" r-1 Task timed out after 1.50 seconds")
    assert messages[4] == "[orders r-1] END RequestId: r-1"
    assert messages[5].startswith("[orders r-1] REPORT RequestId: r-1\tDuration: 1500.00 ms")
    lines = invocation.tail().decode().split("\n")
    assert lines[0] == "START RequestId: r-1 Version: $LATEST"
    assert lines[1] == "two\rlines"
    assert lines[3:5] == ["END RequestId: r-1", Report(1500, 128, 30).line("r-1")]
