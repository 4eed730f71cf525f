"""JSONata error messages worded as jsonata-js words them, which is what AWS reports.

jsonata-python inherits jsonata-java's message catalog, where every "function" reads "Object",
and it inserts values raw. jsonata-js JSON-renders a `{{value}}` placeholder and inserts a
`{{{value}}}` one raw; AWS's causes carry that wording, e.g. `T0410: Argument 1 of function
"uppercase" does not match function signature` (floci-io/floci#2668 quotes AWS for T0412).
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from jsonata.jexception import JException
from jsonata.utils import Utils

__all__ = ["jsonata_message", "render_message"]

_PLACEHOLDER = re.compile(r"\{\{\{\w+\}\}\}|\{\{\w+\}\}")

# jsonata-js names an array signature's element type in T0412 ("must be an array of numbers").
_ARRAY_ELEMENT_TYPES = {
    "a": "arrays",
    "b": "booleans",
    "f": "functions",
    "n": "numbers",
    "o": "objects",
    "s": "strings",
}


def jsonata_message(exc: JException) -> str:
    """The message jsonata-js (and so AWS) gives for a JSONata error, without its code."""
    values = (exc.current, exc.expected, exc.extra)
    if exc.error == "T0412" and isinstance(exc.extra, str):
        values = (exc.current, exc.expected, _ARRAY_ELEMENT_TYPES.get(exc.extra, exc.extra))
    return render_message(str(exc.error), values) or str(exc) or str(exc.error)


def render_message(code: str, values: tuple[Any, ...]) -> str:
    """The catalog sentence for `code` with `values` filled in order; "" for an unknown code."""
    template = JException.error_codes.get(code)
    if template is None:
        return ""
    pending = iter(values)

    def fill(match: re.Match[str]) -> str:
        value = next(pending, None)
        if match.group(0).startswith("{{{"):
            return "undefined" if value is None else str(value)
        return _js_json(value)

    return _PLACEHOLDER.sub(fill, template.replace("Object", "function"))


def _js_json(value: Any) -> str:
    """`JSON.stringify` as jsonata-js applies it to a value in an error message."""
    if value is None:
        return "undefined"
    if value is Utils.NULL_VALUE:
        return "null"
    if isinstance(value, float) and math.isfinite(value):
        return _js_number(value)
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except ValueError:
        return str(value)


def _js_number(value: float) -> str:
    """A double as JavaScript prints it: `1`, `1.5`, `1e+21`, `1e-7`."""
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = int(exponent)
    if -7 < power < 21:
        return format(Decimal(text), "f")
    return f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"
