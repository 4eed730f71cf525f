"""IAM identity-based policies evaluated for one request: whether a principal whose policies are
`documents` may perform `action` on `resource`, given the request's context keys.

As the IAM User Guide's "Policy evaluation logic" has it (for one account, identity-based
policies alone): an explicit `Deny` of a matching statement wins; else an `Allow` of one
allows; else the request is implicitly denied. A statement matches when its `Action` (or not
its `NotAction`) names the action, its `Resource` (or not its `NotResource`) the resource, and
every condition holds:

* actions match case-insensitively, with `*` and `?` wildcards ("IAM JSON policy elements:
  Action"); resources case-sensitively, with the same wildcards ("Resource");
* policy variables (`${cognito-identity.amazonaws.com:sub}`, `${aws:username}`, ... and the
  escapes `${*}`, `${?}`, `${$}`) in a resource or a condition's values are the request's
  context keys; a statement whose resource names a key the request lacks does not match
  ("IAM policy elements: Variables and tags");
* the string condition operators `StringEquals`, `StringNotEquals`, `StringEqualsIgnoreCase`,
  `StringNotEqualsIgnoreCase`, `StringLike`, `StringNotLike` (wildcards), each with
  `IfExists`, and the `ForAnyValue:`/`ForAllValues:` set prefixes; a key the request lacks makes
  a positive operator false and a negated one true, `...IfExists` true ("Condition
  operators"). A statement with another operator does not match.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A request's context: each key's values (a single-valued key has one).
Context = Mapping[str, Sequence[str]]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}
_NEGATED = frozenset({"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike"})


class Decision(enum.Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a policy document, its lists as lists."""

    allow: bool
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] | None = None
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


def statements(documents: Iterable[Mapping[str, Any]]) -> tuple[Statement, ...]:
    """The statements of policy documents (`{"Statement": [...]}` or one statement); what is
    not a statement is left out."""
    found = []
    for document in documents:
        raw = document.get("Statement")
        for item in raw if isinstance(raw, list) else [raw]:
            if isinstance(item, dict) and item.get("Effect") in ("Allow", "Deny"):
                found.append(_statement(item))
    return tuple(found)


def _statement(item: Mapping[str, Any]) -> Statement:
    conditions = []
    raw = item.get("Condition")
    for operator, block in raw.items() if isinstance(raw, dict) else []:
        for key, values in block.items() if isinstance(block, dict) else []:
            conditions.append((str(operator), str(key), _strings(values)))
    return Statement(
        allow=item["Effect"] == "Allow",
        actions=_strings(item.get("Action")),
        not_actions=_strings(item["NotAction"]) if "NotAction" in item else None,
        resources=_strings(item.get("Resource")),
        not_resources=_strings(item["NotResource"]) if "NotResource" in item else None,
        conditions=tuple(conditions),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(each) for each in value)
    return () if value is None else (str(value),)


def decide(found: Sequence[Statement], action: str, resource: str, context: Context) -> Decision:
    """The policies' decision on `action` (`s3:GetObject`) on `resource` (an ARN)."""
    allowed = False
    for statement in found:
        if not _applies(statement, action, resource, context):
            continue
        if not statement.allow:
            return Decision.EXPLICIT_DENY
        allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def _applies(statement: Statement, action: str, resource: str, context: Context) -> bool:
    if statement.not_actions is not None:
        if any(_like(p, action, fold=True) for p in statement.not_actions):
            return False
    elif not any(_like(p, action, fold=True) for p in statement.actions):
        return False
    if statement.not_resources is not None:
        if any(_resource_matches(p, resource, context) for p in statement.not_resources):
            return False
    elif not any(_resource_matches(p, resource, context) for p in statement.resources):
        return False
    return all(_holds(op, key, values, context) for op, key, values in statement.conditions)


def _resource_matches(pattern: str, resource: str, context: Context) -> bool:
    filled = _filled(pattern, context)
    return filled is not None and _like(filled, resource, fold=False, escaped=True)


def _filled(text: str, context: Context) -> str | None:
    """`text` with its policy variables replaced (wildcards in values kept literal, marked by
    a NUL before them); None when it names a key the context lacks."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        if name in _ESCAPES:
            return "\0" + _ESCAPES[name]
        values = context.get(name)
        if not values or len(values) != 1:
            missing = True
            return ""
        return re.sub(r"([*?])", "\0\\1", values[0])

    filled = _VARIABLE.sub(value, text)
    return None if missing else filled


def _holds(operator: str, key: str, values: tuple[str, ...], context: Context) -> bool:
    name = operator
    quantifier = ""
    if ":" in name:
        quantifier, _, name = name.partition(":")
    if_exists = name.endswith("IfExists")
    name = name.removesuffix("IfExists")
    present = context.get(key)
    if not present:
        # A missing key: positive operators fail, negated ones and IfExists hold; ForAllValues
        # holds over an empty set.
        return if_exists or name in _NEGATED or quantifier == "ForAllValues"
    patterns = [filled for value in values if (filled := _filled(value, context)) is not None]
    base = name.replace("Not", "")
    if base not in ("StringEquals", "StringEqualsIgnoreCase", "StringLike"):
        return False
    each = [any(_string_matches(base, value, pattern) for pattern in patterns) for value in present]
    matched = all(each) if quantifier == "ForAllValues" else any(each)
    return not matched if name in _NEGATED else matched


def _string_matches(operator: str, value: str, pattern: str) -> bool:
    if operator == "StringLike":
        return _like(pattern, value, fold=False, escaped=True)
    literal = pattern.replace("\0", "")
    if operator == "StringEqualsIgnoreCase":
        return value.lower() == literal.lower()
    return value == literal


def _like(pattern: str, text: str, *, fold: bool, escaped: bool = False) -> bool:
    """`text` matches `pattern` with `*` (any run) and `?` (one character) as wildcards; a
    wildcard after a NUL (`escaped`: filled in from a variable) is literal."""
    return _compiled(pattern, fold, escaped).fullmatch(text) is not None


@lru_cache(maxsize=4096)
def _compiled(pattern: str, fold: bool, escaped: bool) -> re.Pattern[str]:
    parts = []
    literal = False
    for char in pattern:
        if escaped and char == "\0":
            literal = True
            continue
        if char == "*" and not literal:
            parts.append(".*")
        elif char == "?" and not literal:
            parts.append(".")
        else:
            parts.append(re.escape(char))
        literal = False
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if fold else re.DOTALL)
