"""The server-worker channel: frames, bounded bodies, and constants shared with the worker
scripts (which cannot import them)."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import pytest

from functions.errors import WorkerProtocolError
from functions.protocol import (
    END_OF_OUTPUT,
    MAX_REQUEST_BYTES,
    MAX_RESPONSE_BYTES,
    WORKER_FD_VARIABLE,
    encode_frame,
    read_frame,
)
from functions.runtimes import (
    NODE_BOOTSTRAP,
    PYTHON_BOOTSTRAP,
    PYTHON_PATHS_VARIABLE,
    RUNTIME_PACKAGES_VARIABLE,
)


def reader_of(*chunks: bytes, eof: bool = True) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    for chunk in chunks:
        reader.feed_data(chunk)
    if eof:
        reader.feed_eof()
    return reader


@pytest.mark.anyio
async def test_a_frame_round_trips() -> None:
    frame = await read_frame(reader_of(encode_frame({"type": "result", "n": 1}, b"\x00{}")), 100)
    assert frame.kind == "result"
    assert frame.header == {"type": "result", "n": 1}
    assert frame.body == b"\x00{}"
    assert not frame.discarded


@pytest.mark.anyio
async def test_a_body_over_the_limit_is_read_and_dropped() -> None:
    big = encode_frame({"type": "result"}, b"x" * 200_000)
    reader = reader_of(big + encode_frame({"type": "next"}))
    frame = await read_frame(reader, 1000)
    assert frame.discarded
    assert (frame.body, frame.body_length) == (b"", 200_000)
    assert (await read_frame(reader, 1000)).kind == "next"


@pytest.mark.anyio
async def test_a_closed_channel_is_an_incomplete_read() -> None:
    with pytest.raises(asyncio.IncompleteReadError):
        await read_frame(reader_of(encode_frame({"type": "result"}, b"abc")[:-1]), 100)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "raw",
    [
        struct.pack(">II", 1 << 20, 0),
        struct.pack(">II", 3, 0) + b"{x}",
        struct.pack(">II", 2, 0) + b"[]",
    ],
)
async def test_bytes_that_are_not_a_frame_are_a_protocol_error(raw: bytes) -> None:
    with pytest.raises(WorkerProtocolError):
        await read_frame(reader_of(raw), 100)


def test_the_invoke_quotas_are_lambdas() -> None:
    assert MAX_REQUEST_BYTES == 6_291_456
    assert MAX_RESPONSE_BYTES == 6_291_556


@pytest.mark.parametrize("script", [PYTHON_BOOTSTRAP, NODE_BOOTSTRAP], ids=["python", "node"])
def test_the_worker_scripts_use_the_same_constants(script: Path) -> None:
    text = script.read_text()
    marker = END_OF_OUTPUT.decode().replace("\x00", "\\x00")
    assert marker in text
    assert WORKER_FD_VARIABLE in text
    if script == PYTHON_BOOTSTRAP:
        assert PYTHON_PATHS_VARIABLE in text
        assert RUNTIME_PACKAGES_VARIABLE in text
