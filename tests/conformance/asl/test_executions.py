"""Every execution of the corpus's cases.jsonl (recorded against AWS Step Functions by LocalStack's
snapshot tests, see its README) run through the service over HTTP with boto3 and compared on
status, output, error, cause and history event types."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conformance.asl.corpus import (
    ROLE_ARN,
    Context,
    Outcome,
    compare,
    corpus_missing_reason,
    load,
    runtime_replacements,
)
from tests.conformance.asl.known_gaps import KNOWN_GAPS

pytestmark = [pytest.mark.conformance, pytest.mark.timeout(60)]

if (_missing := corpus_missing_reason()) is not None:
    pytest.skip(_missing, allow_module_level=True)

CASES = load("cases.jsonl")
_names = itertools.count(1)


def _params() -> list[Any]:
    params = []
    for case in CASES:
        gap = KNOWN_GAPS.get(case["id"])
        marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


def _history_types(sfn: SFNClient, execution_arn: str) -> list[str]:
    types: list[str] = []
    kwargs: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
    while True:
        page = sfn.get_execution_history(**kwargs)
        types.extend(event["type"] for event in page["events"])
        if "nextToken" not in page:
            return types
        kwargs["nextToken"] = page["nextToken"]


def _run(sfn: SFNClient, case: dict[str, Any]) -> tuple[Outcome, Context]:
    number = next(_names)
    machine_name, execution_name = f"corpus-sm-{number}", f"corpus-exec-{number}"
    machine_arn = sfn.create_state_machine(
        name=machine_name,
        definition=json.dumps(case["definition"]),
        roleArn=ROLE_ARN,
        type=case.get("state_machine_type") or "STANDARD",
    )["stateMachineArn"]
    ctx = Context.for_case(case, runtime_replacements(case, machine_name, execution_name))
    text = json.dumps(case["input"])
    if case.get("start_api") == "start_sync_execution":
        sync = sfn.start_sync_execution(
            stateMachineArn=machine_arn, name=execution_name, input=text
        )
        return Outcome(
            sync["status"], sync.get("output"), sync.get("error"), sync.get("cause")
        ), ctx
    execution_arn = sfn.start_execution(
        stateMachineArn=machine_arn, name=execution_name, input=text
    )["executionArn"]
    # The engine runs on a FakeClock, so even a long Wait ends as soon as the loop is idle; this
    # loop only waits for the server's event loop to get there.
    deadline = time.monotonic() + 30
    described = sfn.describe_execution(executionArn=execution_arn)
    while described["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.005)
        described = sfn.describe_execution(executionArn=execution_arn)
    outcome = Outcome(
        described["status"],
        described.get("output"),
        described.get("error"),
        described.get("cause"),
        _history_types(sfn, execution_arn),
    )
    return outcome, ctx


@pytest.mark.parametrize("case", _params())
def test_execution_reproduces_the_aws_recording(case: dict[str, Any], sfn: SFNClient) -> None:
    outcome, ctx = _run(sfn, case)
    assert compare(case, outcome, ctx) == []
