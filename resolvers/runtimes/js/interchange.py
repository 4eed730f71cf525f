"""The JSON text values cross the QuickJS boundary as, both ways.

The engine's binding converts only strings and numbers, so every object crosses as JSON text:
the fields of `ctx` a handler reads, the arguments and result of every `util` helper, the
handler's outcome. This text is never shown to anyone, so its spelling is free: orjson writes and
reads it several times faster than the standard library, which was most of a handler call's
Python cost (`bench/js_runtime.py`). What orjson refuses (an integer past 64 bits, a lone
surrogate) goes through the standard library, whose encoder `$util.toJson` uses.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from resolvers.util.core import to_json

_OPTIONS = orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    # What templates build through Java shims (sets) and raw bytes, as `to_json` writes them.
    if isinstance(value, set | frozenset):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> str:
    """`value` as JSON text for the engine."""
    try:
        return orjson.dumps(value, default=_default, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return to_json(value)


def loads(text: str) -> Any:
    """The value of JSON text the engine wrote."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        # A lone surrogate, which JSON.stringify writes as an escape (ES2019).
        return json.loads(text)
