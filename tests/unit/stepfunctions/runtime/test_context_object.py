"""The context object (`$$`): its execution and state fields as a state sees them.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import pytest

from tests.unit.stepfunctions.runtime.runs import (
    ACCOUNT,
    output,
    run,
)


@pytest.mark.anyio
async def test_the_context_object_has_execution_and_state_fields() -> None:
    # corpus context_object/test_context_object::test_input_path[$$]
    execution = await run(
        {
            "StartAt": "TestState",
            "States": {"TestState": {"Type": "Pass", "InputPath": "$$", "End": True}},
        },
        {"input-value": 0},
    )
    context = output(execution)
    assert context == {
        "Execution": {
            "Id": f"arn:aws:states:us-east-1:{ACCOUNT}:execution:sm:run",
            "Input": {"input-value": 0},
            "StartTime": "2024-05-01T12:00:00.000Z",
            "Name": "run",
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
            "RedriveCount": 0,
        },
        "StateMachine": {"Id": f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:sm", "Name": "sm"},
        "State": {"Name": "TestState", "EnteredTime": "2024-05-01T12:00:00.000Z"},
    }
