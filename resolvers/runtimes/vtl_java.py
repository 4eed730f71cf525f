"""Java semantics for VTL values: printing, truthiness, operators and the methods templates call.

AppSync runs Apache Velocity over Java objects: a JSON object is a `LinkedHashMap`, an array an
`ArrayList`, a string a `String`, numbers `Integer`/`Long`/`Double`. Templates lean on that Java
surface (`$list.add(...)` prints `true`, `$map.put(...)` returns the previous value, a map prints as
`{a=1, b=2}`), so this module gives Python's dict, list, str, int, float and bool the same
surface. Operator rules follow Velocity 1.7's AST nodes (ASTAddNode, ASTEQNode, ASTDivNode...);
the methods each Java class offers are in `vtl_java_methods`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class MapEntry:
    """One `Map.Entry` from `$map.entrySet()`: `$entry.key`, `$entry.value`."""

    key: Any
    value: Any


@dataclass(frozen=True, slots=True)
class ForeachScope:
    """`$foreach` inside `#foreach` (Velocity 1.7's ForeachScope): `$foreach.count`,
    `$foreach.index`, `$foreach.hasNext` or `$foreach.hasNext()`, `$foreach.first`, `.last`."""

    index: int
    size: int


def java_double(value: float) -> str:
    """`Double.toString`: "1.0", "0.001", "1.0E7", "1.5E-4", "NaN", "Infinity"."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    digit_text = "".join(map(str, digits)).rstrip("0") or "0"
    scientific_exponent = exponent + len(digits) - 1
    mantissa = digit_text[0] + "." + (digit_text[1:] or "0")
    return ("-" if sign else "") + f"{mantissa}E{scientific_exponent}"


def to_java_string(value: Any) -> str:
    """What `value.toString()` gives in Java: how a reference prints in a template."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{to_java_string(k)}={to_java_string(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(to_java_string(v) for v in value) + "]"
    if isinstance(value, MapEntry):
        return f"{to_java_string(value.key)}={to_java_string(value.value)}"
    return str(value)


def truthy(value: Any) -> bool:
    """Velocity 1.7's `#if` test: null is false, a Boolean is itself, anything else is true."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    return True


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def java_equals(left: Any, right: Any) -> bool:
    """Velocity's `==`: numbers by value, same classes by `equals`, otherwise by `toString()`."""
    if left is None or right is None:
        return left is None and right is None
    if is_number(left) and is_number(right):
        return bool(left == right)
    if type(left) is type(right):
        return bool(left == right)
    return to_java_string(left) == to_java_string(right)


def compare(operator: str, left: Any, right: Any) -> bool:
    """`<`, `<=`, `>`, `>=`: numbers, or two strings; anything else compares false."""
    if (is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str)):
        if operator == "<":
            return bool(left < right)
        if operator == "<=":
            return bool(left <= right)
        if operator == ">":
            return bool(left > right)
        return bool(left >= right)
    return False


def _java_int_division(left: int, right: int) -> int:
    quotient = abs(left) // abs(right)
    return quotient if (left >= 0) == (right >= 0) else -quotient


def arithmetic(operator: str, left: Any, right: Any) -> Any:
    """`+ - * / %` as Velocity computes them; null where Velocity logs an error and gives null."""
    if operator == "+" and (isinstance(left, str) or isinstance(right, str)):
        if left is None or right is None:
            return None
        return to_java_string(left) + to_java_string(right)
    if not (is_number(left) and is_number(right)):
        return None
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if right == 0:
        return None  # "Right side of division operation is zero. Must be non-zero."
    if isinstance(left, int) and isinstance(right, int):
        quotient = _java_int_division(left, right)
        return quotient if operator == "/" else left - right * quotient
    if operator == "/":
        return left / right
    return math.fmod(left, right)
