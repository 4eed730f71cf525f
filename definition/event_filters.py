"""Lambda event filtering: an event source mapping's `FilterCriteria` (`Filters: [{Pattern:
"<json>"}]`), read once and matched against each record before it is batched.

The rules are the AWS Lambda Developer Guide's ("Control which events Lambda sends to your
function", https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html, and
"Using event filtering with a DynamoDB event source", with-ddb-filtering.html):
- a pattern is a JSON object shaped like the record; its keys are ANDed; a key's value is an
  object (a nested pattern) or a non-empty array of rules, any of which may match;
- rules: a string, number, boolean or null equals the record's value (`[null]` matches null,
  `[""]` the empty string; numbers compare as numbers); `{"prefix": "s"}`, `{"suffix": "s"}`
  (either may hold `{"equals-ignore-case": "s"}`), `{"equals-ignore-case": "s"}`,
  `{"anything-but": value | [values] | {"prefix"|"suffix"|"equals-ignore-case": ...}}`,
  `{"numeric": ["=", 5]}` or a range (`[">", 0, "<=", 10]`, JSON numbers only: DynamoDB's `N`
  values are strings and never match), `{"exists": true|false}` (on leaves: a key whose value
  is an object is not a leaf);
- `"$or": [pattern, pattern, ...]` matches when one of its patterns does;
- a record whose value at a key is an array matches when one of its elements does;
- a mapping's filters are ORed: a record that matches none is dropped, not delivered.
A pattern Lambda refuses (not JSON, not an object, an empty array, an unknown operator) is an
`EventFilterError`, which a reader reports where the pattern is written.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Lambda's quota of filters per event source mapping, once raised (the default is five).
MAXIMUM_FILTERS = 10
_MISSING = object()
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_STRING_OPERATORS = ("prefix", "suffix", "equals-ignore-case")


class EventFilterError(ValueError):
    """A pattern CreateEventSourceMapping refuses (InvalidParameterValueException). Readers turn
    it into a problem where the pattern is written; it never leaves the package (it is not in
    `definition.errors`, which imports the model, which imports this module)."""


@dataclass(frozen=True, slots=True)
class FilterPattern:
    """One filter's pattern, parsed and checked (`pattern` is the JSON object)."""

    text: str
    pattern: dict[str, Any]

    def matches(self, record: Any) -> bool:
        return _matches_object(self.pattern, record)


def parse_pattern(text: str) -> FilterPattern:
    """The pattern of a filter's `Pattern` string; raises EventFilterError."""
    try:
        pattern = json.loads(text)
    except json.JSONDecodeError as error:
        raise EventFilterError(f"the pattern is not JSON ({error.msg})") from None
    if not isinstance(pattern, dict):
        raise EventFilterError("the pattern must be a JSON object")
    _check_object(pattern, "")
    return FilterPattern(text, pattern)


def matches_any(filters: tuple[FilterPattern, ...], record: Any) -> bool:
    """Whether a record passes a mapping's filters (no filters: every record does)."""
    return not filters or any(each.matches(record) for each in filters)


# -- checking a pattern


def _check_object(pattern: dict[str, Any], where: str) -> None:
    for key, value in pattern.items():
        at = f"{where}.{key}" if where else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise EventFilterError(f"{at}: expected an array of at least two patterns")
            for each in value:
                if not isinstance(each, dict):
                    raise EventFilterError(f"{at}: each alternative must be an object")
                _check_object(each, at)
        elif isinstance(value, dict):
            _check_object(value, at)
        elif isinstance(value, list):
            if not value:
                raise EventFilterError(f"{at}: empty arrays are not allowed")
            for rule in value:
                _check_rule(rule, at)
        else:
            raise EventFilterError(f"{at}: must be an object or an array")


def _check_rule(rule: Any, at: str) -> None:
    if rule is None or isinstance(rule, str | bool | int | float):
        return
    if not isinstance(rule, dict) or len(rule) != 1:
        raise EventFilterError(f"{at}: a rule is a value or an object with one operator")
    [(name, argument)] = rule.items()
    if name in ("prefix", "suffix"):
        _check_text(argument, at, name, ignore_case=True)
    elif name == "equals-ignore-case":
        _check_text(argument, at, name, ignore_case=False)
    elif name == "exists":
        if not isinstance(argument, bool):
            raise EventFilterError(f"{at}: exists takes true or false")
    elif name == "numeric":
        _check_numeric(argument, at)
    elif name == "anything-but":
        _check_anything_but(argument, at)
    else:
        raise EventFilterError(f"{at}: unrecognized match type {name}")


def _check_text(argument: Any, at: str, name: str, *, ignore_case: bool) -> None:
    if isinstance(argument, str):
        return
    nested = argument.get("equals-ignore-case") if isinstance(argument, dict) else None
    if ignore_case and isinstance(nested, str) and len(argument) == 1:
        return
    raise EventFilterError(f"{at}: {name} takes a string")


def _check_numeric(argument: Any, at: str) -> None:
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        raise EventFilterError(f"{at}: numeric takes [operator, number] or a range of two")
    for comparison, bound in zip(argument[::2], argument[1::2], strict=True):
        if comparison not in _COMPARISONS or not _is_number(bound):
            raise EventFilterError(f"{at}: numeric takes operators =, <, <=, >, >= and numbers")
    if len(argument) == 4 and ("=" in argument[::2] or argument[1] >= argument[3]):
        raise EventFilterError(f"{at}: a numeric range is a lower then a higher bound")


def _check_anything_but(argument: Any, at: str) -> None:
    if isinstance(argument, list):
        if not argument or not all(_is_scalar(each) for each in argument):
            raise EventFilterError(f"{at}: anything-but takes a value or an array of values")
    elif isinstance(argument, dict):
        if len(argument) != 1 or next(iter(argument)) not in _STRING_OPERATORS:
            raise EventFilterError(f"{at}: anything-but takes prefix, suffix or equals-ignore-case")
        [(name, text)] = argument.items()
        _check_text(text, at, name, ignore_case=False)
    elif not _is_scalar(argument) or argument is None:
        raise EventFilterError(f"{at}: anything-but takes a value or an array of values")


# -- matching a record


def _matches_object(pattern: dict[str, Any], record: Any) -> bool:
    for key, value in pattern.items():
        if key == "$or":
            if not any(_matches_object(each, record) for each in value):
                return False
            continue
        found = record.get(key, _MISSING) if isinstance(record, dict) else _MISSING
        if isinstance(value, dict):
            if not _matches_object(value, found):
                return False
        elif not _matches_rules(value, found):
            return False
    return True


def _matches_rules(rules: list[Any], found: Any) -> bool:
    values = found if isinstance(found, list) else [found]
    return any(_matches_rule(rule, value) for rule in rules for value in values or [_MISSING])


def _matches_rule(rule: Any, value: Any) -> bool:
    if isinstance(value, dict):
        # Not a leaf: only `exists: false` holds for an object (exists works on leaves).
        value = _MISSING
    if not isinstance(rule, dict):
        return value is not _MISSING and _equal(rule, value)
    [(name, argument)] = rule.items()
    if name == "exists":
        return (value is not _MISSING) is argument
    if value is _MISSING:
        return False
    if name == "numeric":
        return _is_number(value) and all(
            _COMPARISONS[comparison](value, bound)
            for comparison, bound in zip(argument[::2], argument[1::2], strict=True)
        )
    if name == "anything-but":
        if isinstance(argument, dict):
            return isinstance(value, str) and not _matches_text(argument, value)
        excluded = argument if isinstance(argument, list) else [argument]
        return not any(_equal(each, value) for each in excluded)
    return isinstance(value, str) and _matches_text(rule, value)


def _matches_text(rule: dict[str, Any], value: str) -> bool:
    [(name, argument)] = rule.items()
    ignore_case = isinstance(argument, dict)
    text: str = argument["equals-ignore-case"] if ignore_case else argument
    if name == "equals-ignore-case":
        return value.casefold() == text.casefold()
    if ignore_case:
        value, text = value.casefold(), text.casefold()
    return value.startswith(text) if name == "prefix" else value.endswith(text)


def _equal(rule: Any, value: Any) -> bool:
    if _is_number(rule) and _is_number(value):
        return bool(rule == value)
    return type(rule) is type(value) and bool(rule == value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | bool | int | float)
