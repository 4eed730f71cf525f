"""`frames.text_messages` against wsproto's own reading of the same client bytes: where it
reads anything, it reads what wsproto reads (each a whole text message, in order); where
wsproto would see anything else, it reads nothing and leaves the bytes to wsproto."""

from __future__ import annotations

import os
import struct

import pytest
from wsproto.connection import Connection, ConnectionType
from wsproto.events import CloseConnection, Message, Ping, TextMessage

from appsync.realtime.frames import text_messages, unmask


def client_frames(*messages: str) -> bytes:
    """What wsproto's own client writes for `messages`: masked whole text frames."""
    client = Connection(ConnectionType.CLIENT)
    return b"".join(client.send(Message(data=message)) for message in messages)


def wsproto_reads(data: bytes) -> list[str]:
    server = Connection(ConnectionType.SERVER)
    server.receive_data(data)
    texts = []
    for event in server.events():
        assert isinstance(event, TextMessage)
        assert event.message_finished
        texts.append(event.data)
    return texts


@pytest.mark.parametrize(
    "messages",
    [
        ("",),
        ('{"type":"connection_init"}',),
        ("a", "é" * 62, "x" * 125, "y" * 126, "z" * 65_535, "w" * 65_536),
        ("\U0001f600 four bytes", "ok"),
    ],
)
def test_whole_text_frames_read_as_wsproto_reads_them(messages: tuple[str, ...]) -> None:
    data = client_frames(*messages)
    assert text_messages(data, 1 << 20) == wsproto_reads(data) == list(messages)


def test_the_size_limit_is_the_payload_in_bytes() -> None:
    # uvicorn's WebsocketBuffer refuses a message of more than ws_max_size UTF-8 bytes.
    assert text_messages(client_frames("é" * 50), 100) == ["é" * 50]
    assert text_messages(client_frames("é" * 50 + "x"), 100) is None
    assert text_messages(client_frames("ok", "x" * 101), 100) is None


def _masked(first: int, payload: bytes, length: bytes | None = None) -> bytes:
    key = os.urandom(4)
    if length is None:
        length = bytes([len(payload)])
    return bytes([first, 0x80 | length[0]]) + length[1:] + key + unmask(payload, key)


_LEFT_TO_WSPROTO = [
    ("nothing", b""),
    ("a header cut short", client_frames("hello")[:4]),
    ("a payload cut short", client_frames("hello")[:-1]),
    ("a whole frame, then part of one", client_frames("a", "bc")[:-1]),
    ("a 16-bit length cut short", client_frames("x" * 300)[:3]),
    ("a 64-bit length cut short", client_frames("x" * 70_000)[:7]),
    ("unmasked", b"\x81\x02hi"),
    ("binary", _masked(0x82, b"hi")),
    ("a first fragment", _masked(0x01, b"hi")),
    ("a continuation", _masked(0x80, b"hi")),
    ("reserved bit 1", _masked(0xC1, b"hi")),
    ("reserved bit 3", _masked(0x91, b"hi")),
    ("a close", Connection(ConnectionType.CLIENT).send(CloseConnection(code=1000))),
    ("a ping", Connection(ConnectionType.CLIENT).send(Ping(b"hi"))),
    ("a text, then a ping", client_frames("a") + _masked(0x89, b"")),
    ("invalid UTF-8", _masked(0x81, b"\xc3\x28")),
    ("a UTF-16 surrogate", _masked(0x81, b"\xed\xa0\x80")),
    ("a 16-bit length for 2 bytes", _masked(0x81, b"hi", b"\x7e\x00\x02")),
    (
        "a 64-bit length for 300 bytes",
        _masked(0x81, b"x" * 300, b"\x7f" + struct.pack("!Q", 300)),
    ),
]


# The ids are the cases' names: the frames carry random masking keys, and ids made from them
# differ between pytest-xdist's workers, which then refuse the collection.
@pytest.mark.parametrize(
    ("case", "data"), _LEFT_TO_WSPROTO, ids=[case for case, _ in _LEFT_TO_WSPROTO]
)
def test_anything_else_is_left_to_wsproto(case: str, data: bytes) -> None:
    assert text_messages(data, 1 << 20) is None, case


def test_unmask_is_its_own_inverse_for_any_length() -> None:
    key = b"\x01\x80\xff\x7f"
    for size in range(0, 13):
        payload = os.urandom(size)
        masked = unmask(payload, key)
        assert masked == bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))
        assert unmask(masked, key) == payload
