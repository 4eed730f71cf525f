"""TestState calls recorded against AWS (test_state_cases.jsonl, the self-contained ones: no Task
state, or a `mock` supplied) replayed over HTTP with boto3 and compared field by field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conformance.asl.corpus import (
    Context,
    corpus_missing_reason,
    load,
    match,
    normalise,
    runtime_replacements,
)
from tests.conformance.asl.known_gaps import KNOWN_GAPS

pytestmark = [pytest.mark.conformance, pytest.mark.timeout(60)]

if (_missing := corpus_missing_reason()) is not None:
    pytest.skip(_missing, allow_module_level=True)

SUITE = "TestState"
CASES = [case for case in load("test_state_cases.jsonl") if case["self_contained"]]


def _params() -> list[Any]:
    params = []
    for case in CASES:
        gap = KNOWN_GAPS.get(case["id"])
        marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


def canonical(value: Any) -> Any:
    """JSON text fields compared as values: the recordings keep some as text, some parsed."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _canonical_response(response: dict[str, Any]) -> dict[str, Any]:
    result = {key: canonical(value) for key, value in response.items()}
    inspection = response.get("inspectionData")
    if isinstance(inspection, dict):
        result["inspectionData"] = {key: canonical(value) for key, value in inspection.items()}
    return result


@pytest.mark.parametrize("case", _params())
def test_test_state_reproduces_the_aws_recording(case: dict[str, Any], sfn: SFNClient) -> None:
    kwargs: dict[str, Any] = dict(case["args"])
    response: dict[str, Any] = dict(
        sfn.test_state(
            definition=json.dumps(case["definition"]), input=json.dumps(case["input"]), **kwargs
        )
    )
    response.pop("ResponseMetadata")
    ctx = Context.for_case(case, runtime_replacements(case, "", ""))
    actual = normalise(_canonical_response(response), ctx)
    expected = _canonical_response(case["expected"])
    assert match(expected, actual, ctx), (
        f"{json.dumps(actual)[:1500]} != {json.dumps(expected)[:1500]}"
    )
