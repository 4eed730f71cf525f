"""The client frames an AppSync realtime socket mostly receives, read without wsproto.

Every client message of AppSync's protocol (`connection_init`, `start`, `stop`, the
subscribe/unsubscribe frames) is one small JSON text, which clients send as one whole text
frame, masked as every client frame is (RFC 6455 5.1, 5.2). `text_messages` reads a chunk of
received bytes that holds nothing but such frames, whole; anything else (a fragment, a control
frame, a frame split across reads, a frame over the size limit, a length not written in its
shortest form, reserved bits, text that is not UTF-8) is left to wsproto, which answers it as
it always did (`wsproto_protocol.WSProtocol.data_received`). What is read here is exactly what
wsproto and uvicorn would have made of the same bytes: the text of each message, in order.

And `SEND_TEXTS`, the extension by which the socket writes several frames in one write.
"""

from __future__ import annotations

# The ASGI extension (in the scope's `extensions`) and message type of a send of several text
# frames in one write: `{"type": SEND_TEXTS, "texts": [...]}`. Each write to a socket is a
# system call that also runs the loopback receiver's TCP stack, about a third of the server's
# CPU in a subscribe storm; `connection_ack` and the first `ka` go out together this way. The
# extension's `write` (texts) and `write_utf8` (one frame's UTF-8 parts) write at once where the
# socket takes frames now, and say False where a send would wait.
SEND_TEXTS = "appsync.websocket.send_texts"

_FIN_TEXT = 0x81  # FIN, no reserved bits, opcode 1 (text)
_MASKED = 0x80
_LENGTH = 0x7F
_TWO_BYTE_LENGTH = 126
_EIGHT_BYTE_LENGTH = 127
_SHORTEST_TWO_BYTE = 126
_SHORTEST_EIGHT_BYTE = 0x10000


def unmask(payload: bytes, key: bytes) -> bytes:
    """A client payload XORed with its 4-byte masking key, repeated (RFC 6455 5.3)."""
    size = len(payload)
    mask = (key * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(mask, "little")).to_bytes(
        size, "little"
    )


def text_messages(data: bytes, max_size: int) -> list[str] | None:
    """The texts of `data` if it is one or more whole, masked, unfragmented client text frames,
    each of at most `max_size` bytes and valid UTF-8; None for anything else."""
    messages: list[str] = []
    end = len(data)
    at = 0
    while at < end:
        if end - at < 6 or data[at] != _FIN_TEXT or not data[at + 1] & _MASKED:
            return None
        length = data[at + 1] & _LENGTH
        at += 2
        if length == _TWO_BYTE_LENGTH:
            length = int.from_bytes(data[at : at + 2], "big")
            at += 2
            if length < _SHORTEST_TWO_BYTE:
                return None
        elif length == _EIGHT_BYTE_LENGTH:
            length = int.from_bytes(data[at : at + 8], "big")
            at += 8
            if length < _SHORTEST_EIGHT_BYTE:
                return None
        if length > max_size or at + 4 + length > end:
            return None
        payload = unmask(data[at + 4 : at + 4 + length], data[at : at + 4])
        at += 4 + length
        try:
            messages.append(payload.decode("utf-8"))
        except UnicodeDecodeError:
            return None
    return messages or None
