"""The channel between the server and one worker process: length-prefixed frames over a Unix
socket pair, apart from the worker's stdout and stderr (which carry the function's logs).

A frame is an 8-byte prefix (header length, body length: two unsigned 32-bit big-endian
integers), a JSON header and a body of raw bytes. Payloads travel as bodies, so a 6 MB event is
never re-encoded as a JSON string. The server sends `invoke` frames (the body is the event);
the worker answers `ready` or `initError` once after loading the handler, and `result` or
`error` per invocation (the body is the function's result or Lambda's error object; `"exiting":
true` when the runtime ends its process after it, as Node.js's does after an uncaught exception).

After each invocation the worker writes `END_OF_OUTPUT` + the request id + newline on each of
stdout and stderr that the invocation wrote to, before answering with `"marked": [stdout,
stderr]`, so the server knows when every line the invocation printed has been read (and waits
for nothing when it printed nothing). The bootstrap scripts in `functions/bootstrap/` write the
same bytes.
"""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from functions.errors import WorkerProtocolError

PREFIX = struct.Struct(">II")
HEADER_LIMIT = 64 * 1024
# Invoke quotas: a synchronous request up to 6 MB ("Request must be smaller than 6291456 bytes
# for the InvokeFunction operation"), a response up to 6291556 bytes (Function.
# ResponseSizeTooLarge, "Response payload size exceeded maximum allowed payload size (6291556
# bytes)."; moto's Lambda tests record the same text).
MAX_REQUEST_BYTES = 6_291_456
MAX_RESPONSE_BYTES = 6_291_556
END_OF_OUTPUT = b"\x00appsync-local:end-of-invocation:"
WORKER_FD_VARIABLE = "_APPSYNC_LOCAL_WORKER_FD"
_DISCARD_CHUNK = 1 << 16


class InvokeHeader(TypedDict):
    type: Literal["invoke"]
    requestId: str
    deadlineMs: int
    invokedFunctionArn: str
    clientContext: str | None
    cognitoIdentity: str | None


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame read from a worker. `body_length` is the length announced, which exceeds
    `len(body)` when the body was over the reader's limit and was discarded unread."""

    header: dict[str, Any]
    body: bytes
    body_length: int

    @property
    def kind(self) -> str:
        kind = self.header.get("type")
        return kind if isinstance(kind, str) else ""

    @property
    def discarded(self) -> bool:
        return self.body_length > len(self.body)


def encode_frame(header: Mapping[str, Any], body: bytes = b"") -> bytes:
    encoded = json.dumps(header, separators=(",", ":")).encode()
    return PREFIX.pack(len(encoded), len(body)) + encoded + body


async def read_frame(reader: asyncio.StreamReader, body_limit: int) -> Frame:
    """The next frame; a body over `body_limit` is read and dropped so memory stays bounded.

    Raises asyncio.IncompleteReadError when the worker closed the channel (it exited), and
    WorkerProtocolError for bytes that are not a frame.
    """
    header_length, body_length = PREFIX.unpack(await reader.readexactly(PREFIX.size))
    if header_length > HEADER_LIMIT:
        raise WorkerProtocolError(f"a worker sent a {header_length}-byte frame header")
    try:
        header = json.loads(await reader.readexactly(header_length))
    except ValueError as exc:
        raise WorkerProtocolError(f"a worker sent a frame header that is not JSON: {exc}") from exc
    if not isinstance(header, dict):
        raise WorkerProtocolError("a worker sent a frame header that is not an object")
    if body_length <= body_limit:
        return Frame(header, await reader.readexactly(body_length), body_length)
    remaining = body_length
    while remaining:
        remaining -= len(await reader.readexactly(min(remaining, _DISCARD_CHUNK)))
    return Frame(header, b"", body_length)
