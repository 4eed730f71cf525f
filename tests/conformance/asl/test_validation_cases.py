"""ValidateStateMachineDefinition and rejected CreateStateMachine calls, recorded against AWS
(validate_cases.jsonl, create_rejected_cases.jsonl in the shared corpus), over HTTP with boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_stepfunctions import SFNClient

from tests.conformance.asl.corpus import ROLE_ARN, corpus_missing_reason, load
from tests.conformance.asl.known_gaps import KNOWN_GAPS

pytestmark = [pytest.mark.conformance, pytest.mark.timeout(60)]

if (_missing := corpus_missing_reason()) is not None:
    pytest.skip(_missing, allow_module_level=True)

SUITE = "ValidateStateMachineDefinition / InvalidDefinition"


def _params(name: str) -> list[Any]:
    params = []
    for case in load(name):
        gap = KNOWN_GAPS.get(case["id"])
        marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.mark.parametrize("case", _params("validate_cases.jsonl"))
def test_validate_reproduces_the_aws_recording(case: dict[str, Any], sfn: SFNClient) -> None:
    response: dict[str, Any] = dict(
        sfn.validate_state_machine_definition(
            definition=json.dumps(case["definition"]), **case["args"]
        )
    )
    response.pop("ResponseMetadata")
    assert response == case["expected"]


@pytest.mark.parametrize("case", _params("create_rejected_cases.jsonl"))
def test_create_rejection_reproduces_the_aws_recording(
    case: dict[str, Any], sfn: SFNClient
) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(
            definition=json.dumps(case["definition"]), roleArn=ROLE_ARN, **case["args"]
        )
    error = raised.value.response["Error"]
    assert {"Code": error["Code"], "Message": error["Message"]} == case["expected"]["Error"]
