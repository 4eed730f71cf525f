"""An API's environment variables: AppSync's `environmentVariables`, read by every format.

What AppSync takes (botocore's `appsync/2017-07-25` model, `EnvironmentVariableMap`, and the
PutGraphqlApiEnvironmentVariables reference,
https://docs.aws.amazon.com/appsync/latest/APIReference/API_PutGraphqlApiEnvironmentVariables.html):
at most 50 pairs; a key begins with a letter, has 2 to 64 characters, letters, digits and `_`
only (`^[A-Za-z]+\\w*$`); a value is a string of at most 512 characters, "considered a string
literal and not expanded". Resolvers read them as `ctx.env` (APPSYNC_JS, PYTHON) and `$ctx.env`
(VTL) (https://docs.aws.amazon.com/appsync/latest/devguide/environment-variables.html).

A template's scalar that is not a string (a number, a boolean) is taken as CloudFormation
writes it into a string property; anything else is a problem.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

MAX_VARIABLES = 50
MAX_VALUE_LENGTH = 512
_KEY = re.compile(r"[A-Za-z]+\w*")
_KEY_LENGTH = (2, 64)


class ProblemSink(Protocol):
    """Where a reader records a problem at a key path (both formats' readers are one)."""

    def problem(self, key_path: str, message: str) -> None: ...


def read_environment_variables(sink: ProblemSink, raw: Any, path: str) -> dict[str, str]:
    """The pairs of `raw` (a mapping) that AppSync would take; a problem for each it would not."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        sink.problem(path, f"expected a mapping of names to strings, got {type(raw).__name__}")
        return {}
    if len(raw) > MAX_VARIABLES:
        sink.problem(path, f"at most {MAX_VARIABLES} environment variables, got {len(raw)}")
    found: dict[str, str] = {}
    for key, value in raw.items():
        where = f"{path}.{key}"
        name = str(key)
        low, high = _KEY_LENGTH
        if not (low <= len(name) <= high and _KEY.fullmatch(name)):
            sink.problem(
                where,
                f"a key must begin with a letter, be {low} to {high} characters long and hold "
                "only letters, digits and _",
            )
            continue
        text = _text(value)
        if text is None:
            sink.problem(where, f"expected a string, got {type(value).__name__}")
        elif len(text) > MAX_VALUE_LENGTH:
            sink.problem(
                where, f"a value is at most {MAX_VALUE_LENGTH} characters long, got {len(text)}"
            )
        else:
            found[name] = text
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None
