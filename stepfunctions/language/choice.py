"""Choice rules, compiled once: JSONPath data-test expressions and JSONata `Condition`.

Semantics (ASL spec §Choice Rules, AWS dg `state-choice`, corpus `choice_operators/*`): a
comparison whose operand has the wrong type is false, not an error; `Is*` tests look at the
JSON type; timestamps are RFC 3339 instants with a zone; `StringMatches` supports `*` as a
wildcard with `\\*` and `\\\\` escapes. `Variable` (and a `*Path` operand) that selects nothing
is `States.Runtime`, except under `IsPresent`, which tests exactly that.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from stepfunctions.errors import InvalidDefinitionError
from stepfunctions.language.jsonata import (
    JsonataExpression,
    compile_jsonata,
    is_jsonata,
    jsonata_body,
)
from stepfunctions.language.paths import CompiledPath, QueryLanguage, Scope, compile_reference_path

__all__ = ["ChoiceRule", "compile_choice_rule", "parse_timestamp"]


class ChoiceRule(Protocol):
    """A compiled rule; `matches` is pure apart from `States.Runtime` on a missing path."""

    def matches(self, scope: Scope) -> bool: ...


_Compare = Callable[[Any, Any], bool]

_ORDER: Mapping[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})$"
)


def parse_timestamp(value: Any) -> datetime | None:
    """An RFC 3339 date-time with a zone as an aware datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP.match(value)
    if match is None:
        return None
    fraction = (match.group(7) or ".0")[1:]
    # Python keeps microseconds; AWS accepts any number of fractional digits (nanoseconds too).
    micros = fraction[:6].ljust(6, "0")
    zone = match.group(8)
    zone = "+00:00" if zone in ("Z", "z") else zone
    text = f"{value[:19]}.{micros}{zone}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _java_order(text: str) -> bytes:
    """A key that sorts as Java's String.compareTo does, by UTF-16 code unit.

    Python compares code points, which orders astral characters differently; big-endian UTF-16
    bytes compare exactly as the code units do.
    """
    return text.encode("utf-16-be", "surrogatepass")


def _string_test(compare: Callable[[Any, Any], bool]) -> _Compare:
    return lambda left, right: (
        isinstance(left, str)
        and isinstance(right, str)
        and compare(_java_order(left), _java_order(right))
    )


def _numeric_test(compare: Callable[[Any, Any], bool]) -> _Compare:
    return lambda left, right: _is_number(left) and _is_number(right) and compare(left, right)


def _instant(value: Any) -> tuple[datetime, int] | None:
    """(the instant to the microsecond, nanoseconds within it): AWS keeps nanoseconds."""
    moment = parse_timestamp(value)
    if moment is None:
        return None
    match = _TIMESTAMP.match(value)
    fraction = ((match.group(7) if match else None) or ".0")[1:]
    return moment, int(fraction[6:9].ljust(3, "0"))


def _timestamp_test(compare: Callable[[Any, Any], bool]) -> _Compare:
    def test(left: Any, right: Any) -> bool:
        first, second = _instant(left), _instant(right)
        return first is not None and second is not None and compare(first, second)

    return test


def _boolean_equals(left: Any, right: Any) -> bool:
    return isinstance(left, bool) and isinstance(right, bool) and left is right


_COMPARISONS: dict[str, tuple[_Compare, Callable[[Any], bool]]] = {}
for _name, _compare in _ORDER.items():
    _COMPARISONS[f"String{_name}"] = (_string_test(_compare), lambda v: isinstance(v, str))
    _COMPARISONS[f"Numeric{_name}"] = (_numeric_test(_compare), _is_number)
    _COMPARISONS[f"Timestamp{_name}"] = (
        _timestamp_test(_compare),
        lambda v: isinstance(v, str),
    )
_COMPARISONS["BooleanEquals"] = (_boolean_equals, lambda v: isinstance(v, bool))

_TYPE_TESTS: Mapping[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsBoolean": lambda v: isinstance(v, bool),
    "IsNumeric": _is_number,
    "IsString": lambda v: isinstance(v, str),
    "IsTimestamp": lambda v: parse_timestamp(v) is not None,
}


@dataclass(frozen=True, slots=True)
class _Comparison:
    variable: CompiledPath
    test: _Compare
    operand: Any
    operand_path: CompiledPath | None
    operator_name: str

    def matches(self, scope: Scope) -> bool:
        value = self.variable.evaluate(scope, "Variable")
        if self.operand_path is not None:
            operand = self.operand_path.evaluate(scope, self.operator_name)
        else:
            operand = self.operand
        return self.test(value, operand)


@dataclass(frozen=True, slots=True)
class _StringMatches:
    variable: CompiledPath
    pattern: re.Pattern[str]

    def matches(self, scope: Scope) -> bool:
        value = self.variable.evaluate(scope, "Variable")
        return isinstance(value, str) and self.pattern.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class _TypeTest:
    variable: CompiledPath
    test: Callable[[Any], bool]
    expected: bool

    def matches(self, scope: Scope) -> bool:
        found, value = self.variable.read(scope)
        if not found:
            # AWS dg: a missing Variable makes every Is* test false except `IsPresent: false`.
            return False
        return self.test(value) is self.expected


@dataclass(frozen=True, slots=True)
class _IsPresent:
    variable: CompiledPath
    expected: bool

    def matches(self, scope: Scope) -> bool:
        found, _ = self.variable.read(scope)
        return found is self.expected


@dataclass(frozen=True, slots=True)
class _And:
    rules: tuple[ChoiceRule, ...]

    def matches(self, scope: Scope) -> bool:
        return all(rule.matches(scope) for rule in self.rules)


@dataclass(frozen=True, slots=True)
class _Or:
    rules: tuple[ChoiceRule, ...]

    def matches(self, scope: Scope) -> bool:
        return any(rule.matches(scope) for rule in self.rules)


@dataclass(frozen=True, slots=True)
class _Not:
    rule: ChoiceRule

    def matches(self, scope: Scope) -> bool:
        return not self.rule.matches(scope)


@dataclass(frozen=True, slots=True)
class _Condition:
    """JSONata `Condition`: `$states.input`, `$states.context` and the variables are visible."""

    expression: JsonataExpression | None
    literal: bool
    field: str

    def matches(self, scope: Scope) -> bool:
        if self.expression is None:
            return self.literal
        states = {"input": scope.input, "context": scope.context}
        value = self.expression.evaluate_as(
            states, scope.variables, self.field, "boolean", now_millis=scope.now_millis
        )
        return bool(value)


_NON_OPERATORS = frozenset({"Variable", "Next", "Comment", "Assign", "Output"})


def compile_choice_rule(
    rule: Mapping[str, Any], query_language: QueryLanguage, field: str
) -> ChoiceRule:
    """Compile one entry of `Choices` (or a nested And/Or/Not rule).

    `field` locates the rule for error texts, e.g. `Choices[0]`; a JSONata Condition's errors
    name `<field>/Condition`, as AWS does.
    """
    if not isinstance(rule, Mapping):
        raise InvalidDefinitionError(f"The choice rule at {field} must be an object")
    if query_language is QueryLanguage.JSONATA:
        return _compile_condition(rule, field)
    return _compile_data_test(rule, field)


def _compile_condition(rule: Mapping[str, Any], field: str) -> ChoiceRule:
    if "Condition" not in rule:
        raise InvalidDefinitionError(
            f"The field 'Condition' is required but was missing at {field}"
        )
    condition = rule["Condition"]
    location = f"{field}/Condition"
    if isinstance(condition, bool):
        return _Condition(None, condition, location)
    if not is_jsonata(condition):
        raise InvalidDefinitionError(
            f"The value for the field 'Condition' must be a boolean or a JSONata expression "
            f"at {field}"
        )
    return _Condition(compile_jsonata(jsonata_body(condition)), False, location)


def _compile_data_test(rule: Mapping[str, Any], field: str) -> ChoiceRule:
    operators = [key for key in rule if key not in _NON_OPERATORS]
    if len(operators) != 1:
        raise InvalidDefinitionError(
            f"A choice rule must have exactly one comparison operator at {field}"
        )
    name = operators[0]
    operand = rule[name]
    if name in ("And", "Or"):
        if not isinstance(operand, list) or not operand:
            raise InvalidDefinitionError(f"The field '{name}' must be a non-empty array at {field}")
        rules = tuple(
            _compile_data_test(item, f"{field}/{name}[{index}]")
            for index, item in enumerate(operand)
        )
        return _And(rules) if name == "And" else _Or(rules)
    if name == "Not":
        if not isinstance(operand, Mapping):
            raise InvalidDefinitionError(f"The field 'Not' must be an object at {field}")
        return _Not(_compile_data_test(operand, f"{field}/Not"))
    if "Variable" not in rule:
        raise InvalidDefinitionError(f"The field 'Variable' is required but was missing at {field}")
    variable = _reference_path(rule["Variable"], "Variable", field)
    if name == "IsPresent":
        return _IsPresent(variable, _boolean_operand(name, operand, field))
    if name in _TYPE_TESTS:
        return _TypeTest(variable, _TYPE_TESTS[name], _boolean_operand(name, operand, field))
    if name == "StringMatches":
        if not isinstance(operand, str):
            raise _operand_error(name, field)
        return _StringMatches(variable, string_matches_pattern(operand))
    if name.endswith("Path") and name[:-4] in _COMPARISONS:
        test, _ = _COMPARISONS[name[:-4]]
        return _Comparison(variable, test, None, _reference_path(operand, name, field), name)
    if name in _COMPARISONS:
        test, accepts = _COMPARISONS[name]
        if not accepts(operand):
            raise _operand_error(name, field)
        if name.startswith("Timestamp") and parse_timestamp(operand) is None:
            raise _operand_error(name, field)
        return _Comparison(variable, test, operand, None, name)
    raise InvalidDefinitionError(f"The field '{name}' is not supported at {field}")


def _reference_path(value: Any, name: str, field: str) -> CompiledPath:
    if not isinstance(value, str):
        raise InvalidDefinitionError(
            f"The value for the field '{name}' must be a string at {field}"
        )
    try:
        return compile_reference_path(value)
    except InvalidDefinitionError as exc:
        raise InvalidDefinitionError(
            f"The value for the field '{name}' must be a valid ReferencePath at {field}"
        ) from exc


def _boolean_operand(name: str, operand: Any, field: str) -> bool:
    if not isinstance(operand, bool):
        raise _operand_error(name, field)
    return operand


def _operand_error(name: str, field: str) -> InvalidDefinitionError:
    return InvalidDefinitionError(f"The value for the field '{name}' is not valid at {field}")


def string_matches_pattern(pattern: str) -> re.Pattern[str]:
    """`StringMatches`: `*` matches any run of characters, `\\*` and `\\\\` are literal."""
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern) and pattern[index + 1] in "*\\":
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)
