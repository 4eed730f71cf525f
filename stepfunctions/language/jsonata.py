"""JSONata expressions and templates, as Step Functions runs them (JSONata 2.0.6 semantics).

Each `{% ... %}` is parsed once by jsonata-python. AWS's additions are bound into every
expression: `$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`; `$eval` is not
available (AWS dg `transforming-data`). Failures are `States.QueryEvaluationError` with AWS's
sentences: "... returned nothing (undefined)." (corpus `test_undefined_reference`), "...
returned an unsupported result type." (corpus `test_map_state_items_eval_jsonata_fail`), and
"... threw an error during evaluation. <code>: <message>" for JSONata's own errors.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from typing import Any

from jsonata import Jsonata
from jsonata.functions import Functions
from jsonata.jexception import JException
from jsonata.timebox import Timebox
from jsonata.utils import Utils

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.language.errors import (
    JsonataDefinitionError,
    JsonataFunctionError,
    JsonataMemoryLimitError,
)
from stepfunctions.language.jsonata_functions import (
    AWS_FUNCTIONS,
    MAX_ITEMS,
    MEMORY_LIMIT_MESSAGE,
    jsonata_number,
)
from stepfunctions.language.jsonata_messages import jsonata_message, render_message
from stepfunctions.language.jsonata_references import top_level_references
from stepfunctions.language.paths import json_text

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


def is_jsonata(value: Any) -> bool:
    """True for a string written as `{% expression %}`."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def jsonata_body(value: str) -> str:
    """The expression text between `{%` and `%}`, trimmed as AWS prints it in causes."""
    return value[2:-2].strip()


class JsonataExpression:
    """One compiled JSONata expression.

    Evaluation is synchronous and keeps per-expression bookkeeping (the depth bound), so one
    expression must not be evaluated from two threads at once; the engine runs it on its loop.
    """

    __slots__ = ("_bounds", "_expression", "_hooks", "text")

    def __init__(self, text: str, expression: Jsonata) -> None:
        self.text = text
        self._expression = expression
        # AWS accepts an evaluation nested 100 deep and refuses one at 101 (measured in
        # floci-io/floci#2737); jsonata-python counts depth the same way through the entry and
        # exit hooks a Timebox installs. One Timebox per expression, reset before each run:
        # evaluation is synchronous and an expression cannot re-enter itself.
        holder = Jsonata.Frame(None)
        self._bounds = Timebox(holder, None, _MAX_DEPTH)
        self._hooks = dict(holder.bindings)
        self._hooks["__evaluate_exit"] = _bounded_exit(self._hooks["__evaluate_exit"])

    def __repr__(self) -> str:
        return f"JsonataExpression({self.text!r})"

    def evaluate(
        self,
        states: Mapping[str, Any],
        variables: Mapping[str, Any],
        field: str,
        *,
        now_millis: int | None = None,
    ) -> Any:
        """The expression's JSON value; undefined or a function is an error naming `field`.

        `now_millis` is the engine clock's time for `$now()` and `$millis()` (the wall clock
        when None), so a test on a fake clock sees its own time.
        """
        found, value = self.evaluate_optional(states, variables, field, now_millis=now_millis)
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
        *,
        now_millis: int | None = None,
    ) -> Any:
        """Evaluate and require a JSON type: 'array', 'object', 'string', 'number', 'boolean'
        or 'integer' (a number without a fraction).

        AWS's text for a mismatch (corpus `test_map_state_items_eval_jsonata_fail`): "...
        returned an unexpected result type. Expected 'array', but was 'number' for value: 1".
        """
        value = self.evaluate(states, variables, field, now_millis=now_millis)
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
        self,
        states: Mapping[str, Any],
        variables: Mapping[str, Any],
        field: str,
        *,
        now_millis: int | None = None,
    ) -> tuple[bool, Any]:
        """(False, None) when the expression is undefined, else (True, value)."""
        bindings: dict[str, Any] = {
            name: Utils.NULL_VALUE if value is None else value for name, value in variables.items()
        }
        bindings["states"] = {
            key: Utils.NULL_VALUE if value is None else value for key, value in states.items()
        }
        bindings.update(self._hooks)
        if now_millis is not None:
            bindings.update(_clock_functions(now_millis))
        self._bounds.depth = 0
        try:
            raw = self._expression.evaluate(None, bindings)
        except JException as exc:
            if exc.error == "D2014":
                # jsonata-python caps a range at 1e6 items, past AWS's own memory bound, so
                # AWS would already have refused it for memory.
                raise self._failure(field, "", MEMORY_LIMIT_MESSAGE) from exc
            raise self._failure(field, str(exc.error), jsonata_message(exc)) from exc
        except JsonataFunctionError as exc:
            raise self._failure(field, exc.code, exc.message) from exc
        except JsonataMemoryLimitError as exc:
            raise self._failure(field, "", MEMORY_LIMIT_MESSAGE) from exc
        except RecursionError as exc:
            raise self._failure(field, "D1011", render_message("D1011", ())) from exc
        except (
            re.error,
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
            ArithmeticError,
        ) as exc:
            # jsonata-python raises plain Python errors where jsonata-java raises JException
            # (e.g. arithmetic on huge numbers); the state fails the same catchable way.
            raise self._failure(field, *_python_error(exc)) from exc
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
        # AWS ends its sentence before a coded JSONata message and joins a bare one with a
        # colon (floci-io/floci#2783, measured against AWS).
        tail = f". {code}: {message}" if code else f": {message}"
        return StatesError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{self.text}' specified for the field '{field}' threw an "
            f"error during evaluation{tail}",
        )


_MAX_DEPTH = 100

# AWS bounds the memory one evaluation step may produce (MAX_ITEMS in jsonata_functions), and
# accepts a string of 2**22 characters but not 2**23 (measured in floci-io/floci#2737). Only
# the two O(1) shapes are checked here, arrays and strings.
_MAX_CHARACTERS = MAX_ITEMS * 8


def _bounded_exit(inner: Any) -> Any:
    def exit_hook(expression: Any, focus: Any, environment: Any, result: Any) -> None:
        inner(expression, focus, environment, result)
        if isinstance(result, Utils.RangeList):
            # jsonata-python's RangeList over-reports its len() by one; `b` is exclusive.
            items = result.b - result.a
        elif isinstance(result, list):
            items = len(result)
        else:
            items = 0
        if items > MAX_ITEMS or (isinstance(result, str) and len(result) > _MAX_CHARACTERS):
            raise JsonataMemoryLimitError(MEMORY_LIMIT_MESSAGE)

    return exit_hook


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
    if isinstance(value, float):
        if not math.isfinite(value):
            # JSON has no literal for these; AWS writes the name JavaScript gives them.
            return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return jsonata_number(value)
    if value is None or isinstance(value, bool | int | str):
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
    """Parse `text` (the body without `{% %}`) once, refusing what CreateStateMachine refuses.

    The InvalidDefinitionError messages carry AWS's diagnostic code (floci-io/floci#2670 and
    #2745, measured against AWS): `INVALID_JSONATA_EXPRESSION: Expected "]", got ","` for a
    syntax error (jsonata-js's message without its S0xxx code), and
    `UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is not supported.`
    for a bare top-level name. The caller appends AWS's ` at /States/<name>/<field>`.
    """
    try:
        expression = Jsonata(text)
    except JException as exc:
        raise InvalidDefinitionError(f"INVALID_JSONATA_EXPRESSION: {jsonata_message(exc)}") from exc
    except KeyError as exc:
        # jsonata-python's parser has no table entry for a symbol jsonata-js refuses as S0211.
        message = render_message("S0211", (str(exc.args[0]) if exc.args else "",))
        raise InvalidDefinitionError(f"INVALID_JSONATA_EXPRESSION: {message}") from exc
    except re.error as exc:
        # A regular expression literal Python cannot compile (jsonata-js lets JavaScript's
        # RegExp refuse it); the reason is Python's.
        raise InvalidDefinitionError(f"INVALID_JSONATA_EXPRESSION: {exc}") from exc
    except (IndexError, ValueError, TypeError, AttributeError) as exc:
        # Its tokenizer reads past the end of some unterminated constructs.
        message = render_message("S0207", ())
        raise InvalidDefinitionError(f"INVALID_JSONATA_EXPRESSION: {message}") from exc
    references = top_level_references(expression.ast)
    if references:
        raise InvalidDefinitionError(
            f"UNSUPPORTED_JSONATA_EXPRESSION: Reference to '{references[0]}' at the top level "
            "is not supported."
        )
    expression.set_output_convert_nulls(False)
    _bind_aws_functions(expression)
    return JsonataExpression(text, expression)


_NOT_A_FLOAT = "could not convert string to float: "


def _python_error(exc: Exception) -> tuple[str, str]:
    """(code, message) for a Python error raised inside jsonata-python.

    `$number("x")` fails in float(); jsonata-js reports it as D3030 "Unable to cast value to a
    number: "x"", which the string in Python's message is enough to rebuild.
    """
    text = str(exc)
    if isinstance(exc, ValueError) and text.startswith(_NOT_A_FLOAT):
        try:
            value = ast.literal_eval(text[len(_NOT_A_FLOAT) :])
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, str):
            return "D3030", render_message("D3030", (value,))
    return "D1001", text or type(exc).__name__


def _clock_functions(now_millis: int) -> dict[str, Any]:
    """`$now` and `$millis` reading the engine's clock instead of the wall clock."""

    def now(picture: Any = None, timezone: Any = None) -> Any:
        return Functions.datetime_from_millis(now_millis, picture, timezone)

    return {"now": Jsonata.JLambda(now), "millis": Jsonata.JLambda(lambda: now_millis)}


def _bind_aws_functions(expression: Jsonata) -> None:
    for name, function in AWS_FUNCTIONS.items():
        expression.register_lambda(name, function)
    # AWS disables $eval (dg `transforming-data`): calling it is calling a non-function, T1006.
    expression.environment.bind("eval", None)


class JsonataTemplate:
    """A JSON value whose `{% %}` strings are compiled expressions (Arguments, Output, ...)."""

    __slots__ = ("_root", "field")

    def __init__(self, root: _Node, field: str) -> None:
        self._root = root
        self.field = field

    def evaluate(
        self,
        states: Mapping[str, Any],
        variables: Mapping[str, Any],
        *,
        now_millis: int | None = None,
    ) -> Any:
        """A fresh JSON value; errors name the field path as AWS does (`Output/result`)."""
        return self._root.evaluate(states, variables, now_millis)


class _Literal:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def evaluate(
        self, states: Mapping[str, Any], variables: Mapping[str, Any], now: int | None
    ) -> Any:
        return self.value


class _Expression:
    __slots__ = ("expression", "field")

    def __init__(self, expression: JsonataExpression, field: str) -> None:
        self.expression = expression
        self.field = field

    def evaluate(
        self, states: Mapping[str, Any], variables: Mapping[str, Any], now: int | None
    ) -> Any:
        return self.expression.evaluate(states, variables, self.field, now_millis=now)


class _Object:
    __slots__ = ("entries",)

    def __init__(self, entries: tuple[tuple[str, _Node], ...]) -> None:
        self.entries = entries

    def evaluate(
        self, states: Mapping[str, Any], variables: Mapping[str, Any], now: int | None
    ) -> Any:
        return {key: node.evaluate(states, variables, now) for key, node in self.entries}


class _Array:
    __slots__ = ("items",)

    def __init__(self, items: tuple[_Node, ...]) -> None:
        self.items = items

    def evaluate(
        self, states: Mapping[str, Any], variables: Mapping[str, Any], now: int | None
    ) -> Any:
        return [item.evaluate(states, variables, now) for item in self.items]


_Node = _Literal | _Expression | _Object | _Array


def compile_jsonata_template(value: Any, field: str) -> JsonataTemplate:
    """Compile a JSONata-state field value once; nested keys extend `field` with `/key`.

    A refused expression raises `JsonataDefinitionError` carrying its location.
    """
    return JsonataTemplate(_compile(value, field, f"/{field}"), field)


def _compile(value: Any, field: str, pointer: str) -> _Node:
    if is_jsonata(value):
        try:
            return _Expression(compile_jsonata(jsonata_body(value)), field)
        except InvalidDefinitionError as exc:
            raise JsonataDefinitionError(exc.message, pointer) from exc
    if isinstance(value, Mapping):
        entries = tuple(
            (key, _compile(item, f"{field}/{key}", f"{pointer}/{key}"))
            for key, item in value.items()
        )
        if all(isinstance(node, _Literal) for _, node in entries):
            return _Literal(value)
        return _Object(entries)
    if isinstance(value, list):
        items = tuple(
            _compile(item, f"{field}[{index}]", f"{pointer}/{index}")
            for index, item in enumerate(value)
        )
        if all(isinstance(item, _Literal) for item in items):
            return _Literal(value)
        return _Array(items)
    return _Literal(value)
