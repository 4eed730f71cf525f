"""A function's logs as CloudWatch shows them, written to the server's log.

Every line a worker prints goes to `logging.getLogger("functions.logs")` prefixed with the
function's name and the request id, between Lambda's platform lines (AWS Lambda developer
guide, "Lambda function logging in Node.js", example log format; the Runtime Interface
Emulator's `printEndReports`):

    START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST
    END RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac
    REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 170.19 ms\t
        Billed Duration: 171 ms\tMemory Size: 128 MB\tMax Memory Used: 73 MB\t
        Init Duration: 484.44 ms\t      (one line, fields separated by tabs)

A timed-out invocation logs `<time> <request id> Task timed out after 3.00 seconds` and its
REPORT ends with `Status: timeout`; a crashed one `Status: error\tError Type:
Runtime.ExitError`. The same lines, cut to their last 4 KB, are the Invoke API's LogResult.

Output is cut into lines of at most 256 KB (CloudWatch Logs' largest event) so a handler that
prints megabytes without a newline cannot hold more than that in the server's memory.
"""

from __future__ import annotations

import base64
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from functions.model import LATEST

logger = logging.getLogger(__name__)

LOG_TAIL_BYTES = 4 * 1024
MAX_LINE_BYTES = 256 * 1024


class LineSplitter:
    """Cuts a byte stream into lines (without their newline), none longer than `max_line`."""

    __slots__ = ("_max_line", "_pending")

    def __init__(self, max_line: int = MAX_LINE_BYTES) -> None:
        self._max_line = max_line
        self._pending = b""

    def feed(self, data: bytes) -> list[bytes]:
        parts = (self._pending + data).split(b"\n")
        self._pending = parts.pop()
        lines: list[bytes] = []
        for part in parts:
            lines.extend(self._cut(part))
        while len(self._pending) >= self._max_line:
            lines.append(self._pending[: self._max_line])
            self._pending = self._pending[self._max_line :]
        return lines

    def flush(self) -> list[bytes]:
        """The last line when the stream ended without a newline."""
        pending, self._pending = self._pending, b""
        return self._cut(pending) if pending else []

    def _cut(self, line: bytes) -> list[bytes]:
        if len(line) <= self._max_line:
            return [line]
        return [line[i : i + self._max_line] for i in range(0, len(line), self._max_line)]


class InvocationLog:
    """One invocation's execution log, of which Lambda's LogResult keeps the last 4 KB."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = bytearray()

    def append(self, line: bytes) -> None:
        self._buffer += line
        self._buffer += b"\n"
        if len(self._buffer) > 2 * LOG_TAIL_BYTES:
            del self._buffer[:-LOG_TAIL_BYTES]

    def tail(self) -> bytes:
        return bytes(self._buffer[-LOG_TAIL_BYTES:])

    def log_result(self) -> str:
        """The Invoke API's `LogResult`: the tail, base64-encoded."""
        return base64.b64encode(self.tail()).decode("ascii")


class FunctionLog:
    """Writes one function's lines to the server's log and to the invocation's own log (kept
    only when the caller asked for the tail)."""

    __slots__ = ("_name",)

    def __init__(self, function_name: str) -> None:
        self._name = function_name

    def line(self, text: bytes, request_id: str | None, invocation: InvocationLog | None) -> None:
        if invocation is not None:
            invocation.append(text)
        if logger.isEnabledFor(logging.INFO):
            # Lambda's runtimes write a multi-line message as one line with carriage returns
            # (one CloudWatch event); the server's log shows it on several lines.
            message = text.decode("utf-8", errors="replace").replace("\r", "\n")
            if request_id is None:
                logger.info("[%s] %s", self._name, message)
            else:
                logger.info("[%s %s] %s", self._name, request_id, message)

    def start(self, request_id: str, invocation: InvocationLog | None) -> None:
        if invocation is None and not logger.isEnabledFor(logging.INFO):
            return
        self._platform(f"START RequestId: {request_id} Version: {LATEST}", request_id, invocation)

    def timed_out(self, request_id: str, timeout: float, invocation: InvocationLog | None) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self._platform(f"{stamp} {request_id} {timed_out_message(timeout)}", request_id, invocation)

    def end(self, request_id: str, report: Report, invocation: InvocationLog | None) -> None:
        if invocation is None and not logger.isEnabledFor(logging.INFO):
            return
        self._platform(f"END RequestId: {request_id}", request_id, invocation)
        self._platform(report.line(request_id), request_id, invocation)

    def _platform(self, line: str, request_id: str, invocation: InvocationLog | None) -> None:
        self.line(line.encode(), request_id, invocation)


def timed_out_message(timeout: float) -> str:
    """Lambda's words for a timeout, with the configured timeout to two decimals (the Runtime
    Interface Emulator's `BuildInvokeAppError`: "Task timed out after %.2f seconds")."""
    return f"Task timed out after {timeout:.2f} seconds"


@dataclass(slots=True)
class Report:
    """The figures of a REPORT line; `error_type` names a platform failure (a timeout, a crash)."""

    duration_ms: float
    memory_size: int
    max_memory_mb: int
    init_duration_ms: float | None = None
    error_type: str | None = None

    def line(self, request_id: str) -> str:
        fields = [
            f"REPORT RequestId: {request_id}",
            f"Duration: {self.duration_ms:.2f} ms",
            # Billed per millisecond, rounded up (since December 2020).
            f"Billed Duration: {max(1, math.ceil(self.duration_ms))} ms",
            f"Memory Size: {self.memory_size} MB",
            f"Max Memory Used: {self.max_memory_mb} MB",
        ]
        if self.init_duration_ms is not None:
            fields.append(f"Init Duration: {self.init_duration_ms:.2f} ms")
        if self.error_type == "Sandbox.Timedout":
            fields.append("Status: timeout")
        elif self.error_type is not None:
            fields.append(f"Status: error\tError Type: {self.error_type}")
        return "\t".join(fields) + "\t"
