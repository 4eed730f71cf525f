"""The JSONata functions Step Functions adds: `$partition`, `$range`, `$hash`, `$random`,
`$uuid` and `$parse` (AWS dg `transforming-data`, "JSONata functions provided by Step Functions").

Edge cases follow what real AWS answers, as measured with TestState and published in
floci-io/floci#2737 and its JsonataEvaluator: arguments are rounded towards zero, an argument
of the wrong type is `T0410`, a bad value is `D3137`, and several degenerate calls (an empty
array, a zero chunk size, a missing step or algorithm) evaluate to nothing rather than failing.
Each function takes `*arguments` because jsonata-python passes exactly what the call supplied,
and AWS names the first surplus argument in its `T0410`.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from jsonata.utils import Utils

from stepfunctions.language.errors import JsonataFunctionError
from stepfunctions.language.intrinsic_functions import JavaRandom

__all__ = [
    "AWS_FUNCTIONS",
    "MAX_ITEMS",
    "MEMORY_LIMIT_MESSAGE",
    "jsonata_number",
]

# AWS bounds the memory one evaluation step may produce: it accepts `[1..873782]` and refuses
# one element more (measured in floci-io/floci#2737).
MAX_ITEMS = 873_782
MEMORY_LIMIT_MESSAGE = "Expression evaluation memory limit exceeded"

# Java's long range: AWS keeps a JSON number integral while it fits, as Jackson does.
_LONG_LIMIT = 2.0**63

# AWS's own order in its D3137 message for an unknown algorithm.
_HASHES = {
    "SHA-1": "sha1",
    "SHA-384": "sha384",
    "SHA-256": "sha256",
    "SHA-512": "sha512",
    "MD5": "md5",
}


def _signature_error(name: str, position: int) -> JsonataFunctionError:
    return JsonataFunctionError(
        "T0410", f'Argument {position} of function "{name}" does not match function signature'
    )


def _argument(arguments: tuple[Any, ...], index: int) -> Any:
    """The argument in a slot, None when the call left it out or it evaluated to nothing."""
    return arguments[index] if index < len(arguments) else None


def _reject_surplus(arguments: tuple[Any, ...], name: str, allowed: int) -> None:
    if len(arguments) > allowed and any(a is not None for a in arguments[allowed:]):
        raise _signature_error(name, allowed + 1)


def _towards_zero(value: Any, name: str, position: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _signature_error(name, position)
    return int(value)


def jsonata_number(value: float) -> Any:
    """A JSON number as AWS carries it through JSONata: `1.0` and `1e2` become `1` and `100`."""
    if value.is_integer() and abs(value) < _LONG_LIMIT:
        return int(value)
    return value


def _partition(*arguments: Any) -> Any:
    _reject_surplus(arguments, "partition", 2)
    array = _argument(arguments, 0)
    if array is None:
        return None
    if not isinstance(array, list):
        raise JsonataFunctionError(
            "T0412", 'Argument 1 of function "partition" must be an array of undefined'
        )
    if not array:
        return None
    size_argument = _argument(arguments, 1)
    if size_argument is None:
        return [list(array)]
    size = _towards_zero(size_argument, "partition", 2)
    if size < 0:
        raise JsonataFunctionError("D3137", "Second argument must be zero or greater")
    if size == 0:
        return None
    # A plain list, not a sequence: one chunk stays `[[0]]` (corpus test_array_partition#0).
    return [list(array[start : start + size]) for start in range(0, len(array), size)]


def _range(*arguments: Any) -> Any:
    _reject_surplus(arguments, "range", 3)
    start = _towards_zero(_argument(arguments, 0), "range", 1)
    end = _towards_zero(_argument(arguments, 1), "range", 2)
    step_argument = _argument(arguments, 2)
    if step_argument is None:
        return None
    step = _towards_zero(step_argument, "range", 3)
    if step == 0 or (step > 0 and start > end) or (step < 0 and start < end):
        return None
    span = range(start, end + (1 if step > 0 else -1), step)
    if len(span) > MAX_ITEMS:
        # Counted before it is built; AWS refuses it on its memory bound (see jsonata.py).
        raise JsonataFunctionError("", MEMORY_LIMIT_MESSAGE)
    items = list(span)
    # A singleton collapses to its item, as a JSONata sequence does (corpus `$range(1, 9, 9)`).
    return items[0] if len(items) == 1 else Utils.create_sequence_from_iter(items)


def _hash(*arguments: Any) -> Any:
    _reject_surplus(arguments, "hash", 2)
    value = _argument(arguments, 0)
    if not isinstance(value, str):
        raise _signature_error("hash", 1)
    algorithm = _argument(arguments, 1)
    if algorithm is None:
        return None
    if not isinstance(algorithm, str):
        raise _signature_error("hash", 2)
    name = _HASHES.get(algorithm)
    if name is None:
        raise JsonataFunctionError(
            "D3137", f"Hash algorithm '{algorithm}' must be one of {', '.join(_HASHES)}"
        )
    return hashlib.new(name, value.encode("utf-8")).hexdigest()


def _random(*arguments: Any) -> float:
    _reject_surplus(arguments, "random", 1)
    seed = _argument(arguments, 0)
    if seed is None:
        return JavaRandom(uuid.uuid4().int & ((1 << 64) - 1)).next_double()
    # AWS draws from java.util.Random: `$random(42)` is 0.7275636800328681 there.
    return JavaRandom(_towards_zero(seed, "random", 1)).next_double()


def _uuid(*arguments: Any) -> str:
    _reject_surplus(arguments, "uuid", 0)
    return str(uuid.uuid4())


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(key)
        result[key] = value
    return result


def _parse(*arguments: Any) -> Any:
    _reject_surplus(arguments, "parse", 1)
    text = _argument(arguments, 0)
    if text is None:
        return None
    if not isinstance(text, str):
        raise _signature_error("parse", 1)
    try:
        # AWS's parser refuses what a lenient one takes: an empty string, a repeated key,
        # NaN/Infinity literals and a second document after the first.
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_refuse_constant,
            parse_float=lambda literal: jsonata_number(float(literal)),
        )
    except ValueError as exc:
        raise JsonataFunctionError("D3137", "Invalid JSON") from exc
    return Utils.NULL_VALUE if value is None else value


AWS_FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "partition": _partition,
    "range": _range,
    "hash": _hash,
    "random": _random,
    "uuid": _uuid,
    "parse": _parse,
}
