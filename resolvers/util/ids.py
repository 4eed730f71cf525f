"""Identifier generators: `$util.autoId()`, `$util.autoUlid()`, `$util.autoKsuid()`.

Shapes from "Utility helpers in $util" (AppSync developer guide, ID generation utils): a 128-bit
random UUID, a 128-bit ULID, and a KSUID "base62 encoded as a String with a length of 27".
"""

from __future__ import annotations

import os
import uuid

# Crockford's base32, the ULID spec's alphabet (no I, L, O, U).
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# KSUID's base62 alphabet: digits, then upper case, then lower case (segmentio/ksuid).
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# KSUID timestamps count seconds from 2014-05-13T16:53:20Z.
KSUID_EPOCH_SECONDS = 1_400_000_000
_KSUID_LENGTH = 27
_ULID_LENGTH = 26


def auto_id() -> str:
    """A random (version 4) UUID in its canonical 36-character form."""
    return str(uuid.uuid4())


def auto_ulid(epoch_millis: int) -> str:
    """A ULID: 48 bits of milliseconds then 80 random bits, 26 Crockford base32 characters."""
    value = ((epoch_millis & ((1 << 48) - 1)) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(_ULID_LENGTH):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def auto_ksuid(epoch_seconds: int) -> str:
    """A KSUID: 32 bits of seconds since the KSUID epoch then 128 random bits, base62, 27 chars."""
    timestamp = (epoch_seconds - KSUID_EPOCH_SECONDS) & 0xFFFFFFFF
    value = (timestamp << 128) | int.from_bytes(os.urandom(16), "big")
    chars = []
    while value:
        value, digit = divmod(value, 62)
        chars.append(_BASE62[digit])
    return "".join(reversed(chars)).rjust(_KSUID_LENGTH, "0")


def ulid_timestamp(ulid: str) -> int:
    """The milliseconds a ULID was made at (its first ten characters)."""
    value = 0
    for char in ulid[:10]:
        value = value * 32 + _CROCKFORD.index(char)
    return value


def ksuid_timestamp(ksuid: str) -> int:
    """The epoch seconds a KSUID was made at."""
    value = 0
    for char in ksuid:
        value = value * 62 + _BASE62.index(char)
    return (value >> 128) + KSUID_EPOCH_SECONDS
