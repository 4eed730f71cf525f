"""The 18 `States.*` intrinsic functions, each a plain function of its evaluated arguments.

Behaviour and output formats follow AWS dg `intrinsic-functions` and the AWS-recorded corpus
(`intrinsic_functions/*` cases): `States.Format` renders objects the Java way (`{a=1, b=[]}`),
`States.JsonToString` is compact, `States.MathAdd` rounds each argument as `Math.round` does,
`States.StringSplit` splits on any of the delimiter characters and drops empty pieces.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from stepfunctions.language.errors import IntrinsicArgumentError
from stepfunctions.language.paths import java_double_text, json_text

__all__ = ["ARITY", "FUNCTIONS", "JavaRandom", "java_string"]

_MAX_STRING = 10_000
_MAX_RANGE_ITEMS = 1_000
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1

# AWS differs: the corpus records no failing intrinsic, so the cause sentences below are ours.


def java_string(value: Any) -> str:
    """How Java's `toString` prints a JSON value inside `States.Format`."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double_text(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}={java_string(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_string(item) for item in value) + "]"
    return str(value)


def _arity(name: str, values: list[Any], count: int) -> None:
    if len(values) != count:
        raise IntrinsicArgumentError(
            f"Function {name} expects {count} argument(s) but {len(values)} were given."
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _integer(name: str, value: Any) -> int:
    """An integer argument; integral floats such as `2.0` are accepted as Java does."""
    if isinstance(value, bool) or not _is_number(value):
        raise IntrinsicArgumentError(f"Function {name} expects integer arguments.")
    if isinstance(value, float):
        if not value.is_integer():
            raise IntrinsicArgumentError(f"Function {name} expects integer arguments.")
        return int(value)
    return int(value)


def _array(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise IntrinsicArgumentError(f"Function {name} expects an array as its first argument.")
    return value


def _string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise IntrinsicArgumentError(f"Function {name} expects a string argument.")
    return value


def _same_json(left: Any, right: Any) -> bool:
    """JSON equality: booleans are not numbers, `1 == 1.0`, objects ignore key order."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(_same_json(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same_json, left, right))
    return type(left) is type(right) and bool(left == right)


def _format(values: list[Any]) -> str:
    if not values:
        raise IntrinsicArgumentError("Function States.Format expects at least 1 argument(s).")
    template = _string("States.Format", values[0])
    arguments = values[1:]
    out: list[str] = []
    used = 0
    index = 0
    while index < len(template):
        char = template[index]
        if char == "\\" and index + 1 < len(template) and template[index + 1] in "{}\\":
            out.append(template[index + 1])
            index += 2
            continue
        if template.startswith("{}", index):
            if used >= len(arguments):
                raise IntrinsicArgumentError(
                    "The number of arguments does not match the number of placeholders."
                )
            out.append(java_string(arguments[used]))
            used += 1
            index += 2
            continue
        out.append(char)
        index += 1
    if used != len(arguments):
        raise IntrinsicArgumentError(
            "The number of arguments does not match the number of placeholders."
        )
    return "".join(out)


def _string_to_json(values: list[Any]) -> Any:
    _arity("States.StringToJson", values, 1)
    text = _string("States.StringToJson", values[0]).strip()
    # corpus test_string_to_json: "", " " and "null" all give null.
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise IntrinsicArgumentError(
            f"Function States.StringToJson could not parse the string '{values[0]}' as JSON."
        ) from exc


def _json_to_string(values: list[Any]) -> str:
    _arity("States.JsonToString", values, 1)
    return json_text(values[0])


def _array_fn(values: list[Any]) -> list[Any]:
    return list(values)


def _array_partition(values: list[Any]) -> list[list[Any]]:
    _arity("States.ArrayPartition", values, 2)
    items = _array("States.ArrayPartition", values[0])
    size = _integer("States.ArrayPartition", values[1])
    if size <= 0:
        raise IntrinsicArgumentError("Function States.ArrayPartition expects a chunk size > 0.")
    return [items[start : start + size] for start in range(0, len(items), size)]


def _array_contains(values: list[Any]) -> bool:
    _arity("States.ArrayContains", values, 2)
    items = _array("States.ArrayContains", values[0])
    return any(_same_json(item, values[1]) for item in items)


def _array_range(values: list[Any]) -> list[int]:
    _arity("States.ArrayRange", values, 3)
    start, end, step = (_integer("States.ArrayRange", value) for value in values)
    if step == 0:
        raise IntrinsicArgumentError("Function States.ArrayRange expects a non-zero step.")
    items = range(start, end + (1 if step > 0 else -1), step)
    # Counted before it is built: a range of 10**15 must fail, not fill memory.
    if len(items) > _MAX_RANGE_ITEMS:
        raise IntrinsicArgumentError(
            f"Function States.ArrayRange can produce at most {_MAX_RANGE_ITEMS} items."
        )
    return list(items)


def _array_get_item(values: list[Any]) -> Any:
    _arity("States.ArrayGetItem", values, 2)
    items = _array("States.ArrayGetItem", values[0])
    index = _integer("States.ArrayGetItem", values[1])
    if not 0 <= index < len(items):
        raise IntrinsicArgumentError(
            f"Function States.ArrayGetItem got index {index} which is out of bounds."
        )
    return items[index]


def _array_length(values: list[Any]) -> int:
    _arity("States.ArrayLength", values, 1)
    return len(_array("States.ArrayLength", values[0]))


def _array_unique(values: list[Any]) -> list[Any]:
    _arity("States.ArrayUnique", values, 1)
    unique: list[Any] = []
    for item in _array("States.ArrayUnique", values[0]):
        if not any(_same_json(item, seen) for seen in unique):
            unique.append(item)
    return unique


def _base64_encode(values: list[Any]) -> str:
    _arity("States.Base64Encode", values, 1)
    text = _string("States.Base64Encode", values[0])
    if len(text) > _MAX_STRING:
        raise IntrinsicArgumentError(
            f"Function States.Base64Encode accepts at most {_MAX_STRING} characters."
        )
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64_decode(values: list[Any]) -> str:
    _arity("States.Base64Decode", values, 1)
    text = _string("States.Base64Decode", values[0])
    if len(text) > _MAX_STRING:
        raise IntrinsicArgumentError(
            f"Function States.Base64Decode accepts at most {_MAX_STRING} characters."
        )
    try:
        return base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError) as exc:
        raise IntrinsicArgumentError(
            "Function States.Base64Decode could not decode its argument."
        ) from exc


_HASHES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def _hash(values: list[Any]) -> str:
    _arity("States.Hash", values, 2)
    data = _string("States.Hash", values[0])
    if len(data) > _MAX_STRING:
        raise IntrinsicArgumentError(
            f"Function States.Hash accepts at most {_MAX_STRING} characters."
        )
    algorithm = _HASHES.get(values[1]) if isinstance(values[1], str) else None
    if algorithm is None:
        raise IntrinsicArgumentError(
            f"Function States.Hash does not support the algorithm {java_string(values[1])}; "
            f"use one of {', '.join(_HASHES)}."
        )
    return hashlib.new(algorithm, data.encode("utf-8")).hexdigest()


def _json_merge(values: list[Any]) -> dict[str, Any]:
    _arity("States.JsonMerge", values, 3)
    left, right, deep = values
    if not isinstance(left, Mapping) or not isinstance(right, Mapping):
        raise IntrinsicArgumentError("Function States.JsonMerge expects two JSON objects.")
    if deep is not False:
        # AWS dg: only the shallow mode exists, and the third argument must be false.
        raise IntrinsicArgumentError(
            "Function States.JsonMerge supports only shallow merging; the third argument "
            "must be false."
        )
    merged = dict(left)
    merged.update(right)
    return merged


def _java_round(value: Any) -> int:
    """`Math.round`: halves go up (towards positive infinity)."""
    if isinstance(value, bool) or not _is_number(value):
        raise IntrinsicArgumentError("Function States.MathAdd expects numeric arguments.")
    return math.floor(value + 0.5) if isinstance(value, float) else int(value)


def _math_add(values: list[Any]) -> int:
    _arity("States.MathAdd", values, 2)
    left, right = (_java_round(value) for value in values)
    if not (_INT_MIN <= left <= _INT_MAX and _INT_MIN <= right <= _INT_MAX):
        raise IntrinsicArgumentError(
            "Function States.MathAdd expects arguments in the range of a 32-bit integer."
        )
    return left + right


class JavaRandom:
    """`java.util.Random`: the 48-bit LCG, so a seeded MathRandom repeats AWS's sequence."""

    _MULTIPLIER = 0x5DEECE66D
    _MASK = (1 << 48) - 1

    def __init__(self, seed: int) -> None:
        self._seed = (seed ^ self._MULTIPLIER) & self._MASK

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * self._MULTIPLIER + 0xB) & self._MASK
        result = self._seed >> (48 - bits)
        return result - (1 << bits) if result >= 1 << (bits - 1) and bits == 32 else result

    def next_double(self) -> float:
        """`nextDouble()`: 53 random bits scaled into [0, 1)."""
        return float(((self._next(26) << 27) + self._next(27)) * (1.0 / (1 << 53)))

    def next_int(self, bound: int) -> int:
        """`nextInt(bound)` for 0 < bound <= 2**31 - 1."""
        if bound & -bound == bound:
            return (bound * self._next(31)) >> 31
        while True:
            bits = self._next(31)
            value = bits % bound
            if bits - value + (bound - 1) < 1 << 31:
                return value


def _math_random(values: list[Any]) -> int:
    if len(values) not in (2, 3):
        raise IntrinsicArgumentError(
            f"Function States.MathRandom expects 2 or 3 argument(s) but {len(values)} were given."
        )
    start, end = (_java_round(value) for value in values[:2])
    if end <= start:
        raise IntrinsicArgumentError(
            "Function States.MathRandom expects the start to be lower than the end."
        )
    if len(values) == 3:
        generator = JavaRandom(_integer("States.MathRandom", values[2]))
    else:
        generator = JavaRandom(uuid.uuid4().int & ((1 << 64) - 1))
    return start + generator.next_int(end - start)


def _string_split(values: list[Any]) -> list[str]:
    _arity("States.StringSplit", values, 2)
    text = _string("States.StringSplit", values[0])
    delimiters = _string("States.StringSplit", values[1])
    if not delimiters:
        raise IntrinsicArgumentError("Function States.StringSplit expects a non-empty delimiter.")
    pieces: list[str] = []
    current: list[str] = []
    for char in text:
        if char in delimiters:
            if current:
                pieces.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        pieces.append("".join(current))
    return pieces


def _uuid(values: list[Any]) -> str:
    _arity("States.UUID", values, 0)
    return str(uuid.uuid4())


FUNCTIONS: Mapping[str, Callable[[list[Any]], Any]] = {
    "States.Format": _format,
    "States.StringToJson": _string_to_json,
    "States.JsonToString": _json_to_string,
    "States.Array": _array_fn,
    "States.ArrayPartition": _array_partition,
    "States.ArrayContains": _array_contains,
    "States.ArrayRange": _array_range,
    "States.ArrayGetItem": _array_get_item,
    "States.ArrayLength": _array_length,
    "States.ArrayUnique": _array_unique,
    "States.Base64Encode": _base64_encode,
    "States.Base64Decode": _base64_decode,
    "States.Hash": _hash,
    "States.JsonMerge": _json_merge,
    "States.MathRandom": _math_random,
    "States.MathAdd": _math_add,
    "States.StringSplit": _string_split,
    "States.UUID": _uuid,
}

# (fewest, most) arguments each function takes; None means no upper bound. Checked when the
# definition is compiled, since AWS rejects a wrong argument count at CreateStateMachine.
ARITY: Mapping[str, tuple[int, int | None]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}
