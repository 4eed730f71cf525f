"""The shared Step Functions corpus (`../shared/corpus/sfn`, recorded against AWS), compared.

The normalisation is the corpus README's, as `run_moto.py` (the reference scorer) implements it:
account id, region, partition, machine and execution names, role ARN and ISO-8601 date-times with
a zone are rewritten to the snapshot library's placeholders, then every placeholder left in the
expected value (`<name:N>`, the case's placeholder literals) matches any value. Key order never
matters; `1` and `1.0` compare equal (the README's default).
"""

from __future__ import annotations

import collections
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conformance.asl.server import ACCOUNT_ID, REGION
from tests.conftest import SHARED_DIR

CORPUS_DIR = SHARED_DIR / "corpus" / "sfn"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/corpus-sfn-role"

# localstack_snapshot's PATTERN_ISO8601, as run_moto.py uses it.
PATTERN_ISO8601 = re.compile(
    r"(?:[1-9]\d{3}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|"
    r"(?:0[13578]|1[02])-31)|(?:[1-9]\d(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|"
    r"[13579][26])00)-02-29)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-][01]\d:?([0-5]\d)?)"
)
TOKEN = re.compile(r"<[A-Za-z0-9_\-\. ]+(?::\d+)?>")


def corpus_missing_reason() -> str | None:
    """Why the corpus cannot be read, or None when it is there.

    CI always has the shared folder beside the clone, so there a missing corpus fails the run
    instead of letting the suite pass without its cases.
    """
    if not (CORPUS_DIR / "cases.jsonl").is_file():
        reason = f"the shared Step Functions corpus is absent ({CORPUS_DIR})"
        if os.environ.get("CI"):
            raise RuntimeError(f"{reason}: CI must run the conformance suite")
        return reason
    return None


def load(name: str) -> list[dict[str, Any]]:
    """The cases of one corpus file, or no cases when the corpus is absent."""
    path: Path = CORPUS_DIR / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass(slots=True)
class Context:
    """How one case's actual values are normalised and which placeholders are wildcards."""

    literal_replacements: list[tuple[str, str]] = field(default_factory=list)
    runtime: list[tuple[str, str]] = field(default_factory=list)
    placeholder_literals: Sequence[str] = ()

    @classmethod
    def for_case(cls, case: dict[str, Any], runtime: list[tuple[str, str]]) -> Context:
        rules = case.get("normalise") or {}
        return cls(
            [(a, b) for a, b in rules.get("literal_replacements", [])],
            runtime,
            tuple(rules.get("placeholder_literals", [])) + tuple(case.get("placeholders") or ()),
        )


def runtime_replacements(
    case: dict[str, Any], machine_name: str, execution_name: str
) -> list[tuple[str, str]]:
    """The snapshot transformers LocalStack registered for every execution (run_moto.py's list)."""
    # The role ARN's placeholder is spelt "snf_role_arn" by some test modules and "sfn_role_arn"
    # by others; the case's placeholder list says which.
    placeholders = case.get("placeholders") or ()
    role = "snf_role_arn" if '"snf_role_arn"' in placeholders else "sfn_role_arn"
    return [
        (ACCOUNT_ID, "111111111111"),
        (REGION, "<region>"),
        ("arn:aws:", "arn:<partition>:"),
        (execution_name, "<ExecArnPart_0idx>"),
        (machine_name, "<ArnPart_0idx>"),
        (
            ROLE_ARN.replace(ACCOUNT_ID, "111111111111").replace("arn:aws:", "arn:<partition>:"),
            role,
        ),
    ]


def snapshot_view(text: str | None) -> Any:
    """What the snapshot stored for an output text: parsed JSON, or the text itself."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def normalise(value: Any, ctx: Context) -> Any:
    text = json.dumps(value)
    for old, new in ctx.literal_replacements:
        text = text.replace(old, new)
    for old, new in ctx.runtime:
        if old:
            text = text.replace(old, new)
    text = PATTERN_ISO8601.sub("date", text)
    try:
        return json.loads(text)
    except ValueError:
        return text


def _str_match(expected: str, actual: Any, ctx: Context) -> bool:
    if expected == actual or expected in ctx.placeholder_literals:
        return True
    for literal in ctx.placeholder_literals:
        if re.fullmatch(rf"<{re.escape(literal)}:\d+>", expected):
            return True
    if not isinstance(actual, str):
        return False
    if TOKEN.search(expected):
        pattern = ".+?".join(re.escape(part) for part in TOKEN.split(expected))
        return re.fullmatch(pattern, actual, flags=re.S) is not None
    return False


def match(expected: Any, actual: Any, ctx: Context) -> bool:
    """Does `actual` (normalised) reproduce `expected`, placeholders being wildcards?"""
    if isinstance(expected, str):
        if isinstance(actual, str):
            return _str_match(expected, actual, ctx)
        return expected in ctx.placeholder_literals or bool(TOKEN.fullmatch(expected))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(match(expected[k], actual[k], ctx) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(match(e, a, ctx) for e, a in zip(expected, actual, strict=True))
        )
    return bool(expected == actual)


@dataclass(slots=True)
class Outcome:
    """What an execution ended with, as the service reported it."""

    status: str
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    history_types: list[str] | None = None


def compare(case: dict[str, Any], actual: Outcome, ctx: Context) -> list[str]:
    """The mismatches between a case's recorded outcome and `actual` (empty when it passes)."""
    expected = case["expected"]
    if actual.status != expected["status"]:
        return [
            f"status {actual.status} != {expected['status']} "
            f"(error={actual.error!r}, cause={actual.cause!r})"
        ]
    problems: list[str] = []
    if expected["status"] == "SUCCEEDED":
        got = normalise(snapshot_view(actual.output), ctx)
        if not match(expected["output"], got, ctx):
            problems.append(
                f"output {json.dumps(got)[:400]} != {json.dumps(expected['output'])[:400]}"
            )
    else:
        for name, value in (("error", actual.error), ("cause", actual.cause)):
            wanted = expected.get(name)
            if wanted in (None, "") and value in (None, ""):
                continue
            got = normalise(value, ctx) if value is not None else None
            if wanted is None or got is None or not match(wanted, got, ctx):
                problems.append(f"{name} {str(value)[:300]!r} != {str(wanted)[:300]!r}")
    recorded = expected.get("history_types")
    if recorded and actual.history_types is not None:
        if case.get("history_order") == "strict":
            same = recorded == actual.history_types
        else:
            same = collections.Counter(recorded) == collections.Counter(actual.history_types)
        if not same:
            problems.append(f"history {actual.history_types} != {recorded}")
    return problems


def feature_groups(case: dict[str, Any]) -> list[str]:
    """The README's feature buckets a case counts in (the prefix of each feature tag)."""
    return sorted({feature.split(":", 1)[0] for feature in case.get("features", [])}) or ["other"]
