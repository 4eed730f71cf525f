"""JSONata expressions and templates, as Step Functions runs them (JSONata 2.0.6 semantics).

Each `{% ... %}` is parsed once by jsonata-python. AWS's additions are bound into every
expression: `$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`; `$eval` is not
available (AWS dg `transforming-data`). Failures are `States.QueryEvaluationError` with AWS's
sentences: "... returned nothing (undefined)." (corpus `test_undefined_reference`), "...
returned an unsupported result type." (corpus `test_map_state_items_eval_jsonata_fail`), and
"... threw an error during evaluation. <code>: <message>" for JSONata's own errors.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

from jsonata import Jsonata
from jsonata.jexception import JException
from jsonata.utils import Utils

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.intrinsic_functions import JavaRandom
from stepfunctions.paths import json_text

__all__ = [
    "JsonataExpression",
    "JsonataTemplate",
    "compile_jsonata",
    "compile_jsonata_template",
    "is_jsonata",
    "json_type_name",
    "jsonata_body",
]

QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"

_HASHES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


class _EvaluationError(Exception):
    """Raised by an AWS extension function; reported like a JSONata error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_jsonata(value: Any) -> bool:
    """True for a string written as `{% expression %}`."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def jsonata_body(value: str) -> str:
    """The expression text between `{%` and `%}`, trimmed as AWS prints it in causes."""
    return value[2:-2].strip()


class JsonataExpression:
    """One compiled JSONata expression."""

    __slots__ = ("_expression", "text")

    def __init__(self, text: str, expression: Jsonata) -> None:
        self.text = text
        self._expression = expression

    def __repr__(self) -> str:
        return f"JsonataExpression({self.text!r})"

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any], field: str) -> Any:
        """The expression's JSON value; undefined or a function is an error naming `field`."""
        found, value = self.evaluate_optional(states, variables, field)
        if not found:
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{self.text}' specified for the field '{field}' "
                "returned nothing (undefined).",
            )
        return value

    def evaluate_as(
        self,
        states: Mapping[str, Any],
        variables: Mapping[str, Any],
        field: str,
        expected: str,
    ) -> Any:
        """Evaluate and require a JSON type: 'array', 'object', 'string', 'number', 'boolean'.

        AWS's text for a mismatch (corpus `test_map_state_items_eval_jsonata_fail`): "...
        returned an unexpected result type. Expected 'array', but was 'number' for value: 1".
        """
        value = self.evaluate(states, variables, field)
        actual = json_type_name(value)
        if actual != expected and not (expected == "integer" and _is_integral(value)):
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{self.text}' specified for the field '{field}' "
                f"returned an unexpected result type. Expected '{expected}', but was "
                f"'{actual}' for value: {json_text(value)}",
            )
        return value

    def evaluate_optional(
        self, states: Mapping[str, Any], variables: Mapping[str, Any], field: str
    ) -> tuple[bool, Any]:
        """(False, None) when the expression is undefined, else (True, value)."""
        bindings: dict[str, Any] = {
            name: Utils.NULL_VALUE if value is None else value for name, value in variables.items()
        }
        bindings["states"] = {
            key: Utils.NULL_VALUE if value is None else value for key, value in states.items()
        }
        try:
            raw = self._expression.evaluate(None, bindings)
        except JException as exc:
            raise self._failure(field, str(exc.error), _message(exc)) from exc
        except _EvaluationError as exc:
            raise self._failure(field, exc.code, exc.message) from exc
        except RecursionError as exc:
            raise self._failure(field, "U1001", "Stack overflow error") from exc
        except (
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
            ArithmeticError,
        ) as exc:
            # jsonata-python raises plain Python errors where jsonata-java raises JException
            # (e.g. arithmetic on huge numbers); the state fails the same catchable way.
            raise self._failure(field, "D1001", str(exc) or type(exc).__name__) from exc
        if raw is None:
            return False, None
        converted = _to_json(raw)
        if converted is _UNSUPPORTED:
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{self.text}' specified for the field '{field}' "
                "returned an unsupported result type.",
            )
        return True, converted

    def _failure(self, field: str, code: str, message: str) -> StatesError:
        return StatesError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{self.text}' specified for the field '{field}' threw an "
            f"error during evaluation. {code}: {message}",
        )


def _message(exc: JException) -> str:
    text = str(exc)
    return text if text else str(exc.error)


_UNSUPPORTED: Any = object()


def json_type_name(value: Any) -> str:
    """The JSON type name AWS prints in result-type errors."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _is_integral(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _to_json(value: Any) -> Any:
    """jsonata-python's result as plain JSON, or `_UNSUPPORTED` for functions.

    JSONata itself drops undefined members and items, so a `None` left inside a result is a
    JSON null taken from the input; only a top-level `None` means undefined (checked before).
    """
    if value is Utils.NULL_VALUE:
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            converted = _to_json(item)
            if converted is _UNSUPPORTED:
                return _UNSUPPORTED
            result[key] = converted
        return result
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            converted = _to_json(item)
            if converted is _UNSUPPORTED:
                return _UNSUPPORTED
            items.append(converted)
        return items
    return _UNSUPPORTED


def compile_jsonata(text: str) -> JsonataExpression:
    """Parse `text` (the body without `{% %}`) once; a syntax error is InvalidDefinitionError."""
    try:
        expression = Jsonata(text)
    except JException as exc:
        raise InvalidDefinitionError(
            f"The JSONata expression '{text}' is not valid: {exc.error}: {_message(exc)}"
        ) from exc
    expression.set_output_convert_nulls(False)
    _bind_aws_functions(expression)
    return JsonataExpression(text, expression)


def _bind_aws_functions(expression: Jsonata) -> None:
    expression.register_lambda("partition", _partition)
    expression.register_lambda("range", _range)
    expression.register_lambda("hash", _hash)
    expression.register_lambda("random", _random)
    expression.register_lambda("uuid", _uuid)
    expression.register_lambda("parse", _parse)
    # AWS disables $eval (dg `transforming-data`): calling it is calling a non-function.
    expression.environment.bind("eval", None)


def _sequence(items: list[Any]) -> Any:
    # A singleton collapses to its item, as JSONata sequences do (corpus `$range(1, 9, 9)` -> 1).
    return items[0] if len(items) == 1 else Utils.create_sequence_from_iter(items)


def _integer(function: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _EvaluationError("T0410", f'Argument of function "{function}" must be a number')
    if isinstance(value, float):
        if not value.is_integer():
            raise _EvaluationError("T0410", f'Argument of function "{function}" must be an integer')
        return int(value)
    return value


def _partition(array: Any = None, size: Any = None) -> Any:
    if not isinstance(array, list):
        array = [] if array is None else [array]
    chunk = _integer("partition", size)
    if chunk <= 0:
        raise _EvaluationError("D3000", 'Argument 2 of function "partition" must be positive')
    # A plain (non-sequence) list: AWS keeps `[[0]]` for one chunk (corpus test_array_partition).
    return [array[start : start + chunk] for start in range(0, len(array), chunk)]


def _range(first: Any = None, last: Any = None, step: Any = 1) -> Any:
    start, end, increment = (_integer("range", v) for v in (first, last, step))
    if increment == 0:
        raise _EvaluationError("D3000", 'Argument 3 of function "range" must not be zero')
    items = list(range(start, end + (1 if increment > 0 else -1), increment))
    return _sequence(items)


def _hash(value: Any = None, algorithm: Any = "SHA-256") -> str:
    if not isinstance(value, str):
        raise _EvaluationError("T0410", 'Argument 1 of function "hash" must be a string')
    name = _HASHES.get(algorithm) if isinstance(algorithm, str) else None
    if name is None:
        raise _EvaluationError(
            "D3000", f'Argument 2 of function "hash" must be one of {", ".join(_HASHES)}'
        )
    return hashlib.new(name, value.encode("utf-8")).hexdigest()


def _random(seed: Any = None) -> float:
    if seed is None:
        generator = JavaRandom(uuid.uuid4().int & ((1 << 64) - 1))
    else:
        generator = JavaRandom(_integer("random", seed))
    return generator.next_double()


def _uuid() -> str:
    return str(uuid.uuid4())


def _parse(text: Any = None) -> Any:
    if not isinstance(text, str):
        raise _EvaluationError("T0410", 'Argument 1 of function "parse" must be a string')
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise _EvaluationError(
            "D3000", f'Argument 1 of function "parse" is not JSON: {exc}'
        ) from exc
    return Utils.NULL_VALUE if value is None else value


class JsonataTemplate:
    """A JSON value whose `{% %}` strings are compiled expressions (Arguments, Output, ...)."""

    __slots__ = ("_root", "field")

    def __init__(self, root: _Node, field: str) -> None:
        self._root = root
        self.field = field

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        """A fresh JSON value; errors name the field path as AWS does (`Output/result`)."""
        return self._root.evaluate(states, variables)


class _Literal:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        return self.value


class _Expression:
    __slots__ = ("expression", "field")

    def __init__(self, expression: JsonataExpression, field: str) -> None:
        self.expression = expression
        self.field = field

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        return self.expression.evaluate(states, variables, self.field)


class _Object:
    __slots__ = ("entries",)

    def __init__(self, entries: tuple[tuple[str, _Node], ...]) -> None:
        self.entries = entries

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        return {key: node.evaluate(states, variables) for key, node in self.entries}


class _Array:
    __slots__ = ("items",)

    def __init__(self, items: tuple[_Node, ...]) -> None:
        self.items = items

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        return [item.evaluate(states, variables) for item in self.items]


_Node = _Literal | _Expression | _Object | _Array


def compile_jsonata_template(value: Any, field: str) -> JsonataTemplate:
    """Compile a JSONata-state field value once; nested keys extend `field` with `/key`."""
    return JsonataTemplate(_compile(value, field), field)


def _compile(value: Any, field: str) -> _Node:
    if is_jsonata(value):
        return _Expression(compile_jsonata(jsonata_body(value)), field)
    if isinstance(value, Mapping):
        entries = tuple((key, _compile(item, f"{field}/{key}")) for key, item in value.items())
        if all(isinstance(node, _Literal) for _, node in entries):
            return _Literal(value)
        return _Object(entries)
    if isinstance(value, list):
        items = tuple(_compile(item, f"{field}[{index}]") for index, item in enumerate(value))
        if all(isinstance(item, _Literal) for item in items):
            return _Literal(value)
        return _Array(items)
    return _Literal(value)
