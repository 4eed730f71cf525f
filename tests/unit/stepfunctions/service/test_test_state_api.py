"""TestState through the service: request checks, inspection levels, mocks, stateName.

Expected outputs are AWS's answers for the same requests, as recorded in the corpus's
test_state_cases.jsonl (test_base_inspection_level_* and test_base_state_name cases).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepfunctions.service.api import StepFunctionsService
from tests.unit.stepfunctions.service.test_api import call, ok

pytestmark = pytest.mark.anyio

IO_PASS_STATE = {
    "Type": "Pass",
    "InputPath": "$.initialData",
    "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
    "ResultPath": "$.modifiedData",
    "End": True,
}
IO_PASS_INPUT = {
    "initialData": {"fieldFromInput": "value from input", "otherField": "other"},
    "unrelatedData": {"someOtherField": 1234},
}
CHOICE_STATE = {
    "Type": "Choice",
    "Choices": [
        {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
        {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
        {
            "And": [
                {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                {"Variable": "$.value", "NumericLessThan": 30},
            ],
            "Next": "ValueInTwenties",
        },
    ],
    "Default": "DefaultState",
}


async def _test_state(
    service: StepFunctionsService, definition: Any, state_input: Any, **extra: Any
) -> dict[str, Any]:
    return await ok(
        service,
        "TestState",
        definition=json.dumps(definition),
        input=json.dumps(state_input),
        **extra,
    )


async def test_info_level_returns_the_output_without_inspection_data(
    service: StepFunctionsService,
) -> None:
    result = await _test_state(service, IO_PASS_STATE, IO_PASS_INPUT, inspectionLevel="INFO")
    assert result.keys() == {"output", "status"}
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {
        **IO_PASS_INPUT,
        "modifiedData": {"staticValue": "some value", "inputValue": "value from input"},
    }


async def test_the_default_inspection_level_is_info(service: StepFunctionsService) -> None:
    result = await _test_state(service, IO_PASS_STATE, IO_PASS_INPUT)
    assert "inspectionData" not in result


async def test_debug_level_adds_the_data_flow_stages(service: StepFunctionsService) -> None:
    result = await _test_state(service, IO_PASS_STATE, IO_PASS_INPUT, inspectionLevel="DEBUG")
    inspection = result["inspectionData"]
    assert json.loads(inspection["input"]) == IO_PASS_INPUT
    assert json.loads(inspection["afterInputPath"]) == IO_PASS_INPUT["initialData"]


async def test_a_choice_state_reports_the_next_state(service: StepFunctionsService) -> None:
    result = await _test_state(service, CHOICE_STATE, {"type": "Private", "value": 22})
    assert result["nextState"] == "ValueInTwenties"
    assert json.loads(result["output"]) == {"type": "Private", "value": 22}


async def test_a_fail_state_reports_error_and_cause(service: StepFunctionsService) -> None:
    fail = {
        "Type": "Fail",
        "Error": "SomeFailure",
        "Cause": "This state machines raises a 'SomeFailure' failure.",
    }
    result = await _test_state(service, fail, {"Value": "HelloWorld"})
    assert result == {
        "status": "FAILED",
        "error": "SomeFailure",
        "cause": "This state machines raises a 'SomeFailure' failure.",
    }


async def test_state_name_picks_one_state_of_a_whole_machine(service: StepFunctionsService) -> None:
    machine = {
        "StartAt": "State0",
        "States": {
            "State0": {"Type": "Pass", "Result": "first", "Next": "State1"},
            "State1": {"Type": "Pass", "End": True},
        },
    }
    result = await _test_state(service, machine, {"Value": "HelloWorld"}, stateName="State0")
    assert json.loads(result["output"]) == "first"
    assert result["nextState"] == "State1"


async def test_a_state_name_not_in_the_machine_is_rejected(service: StepFunctionsService) -> None:
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    status, body = await call(
        service, "TestState", definition=json.dumps(machine), input="{}", stateName="Nope"
    )
    assert (status, body["__type"]) == (400, "ValidationException")


async def test_a_mocked_task_returns_the_mock_result(service: StepFunctionsService) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"},
        "End": True,
    }
    mock = {
        "result": json.dumps(
            {"Payload": "function output", "SdkHttpMetadata": {"HttpStatusCode": 200}}
        )
    }
    result = await _test_state(service, task, {"FunctionName": "f", "Payload": None}, mock=mock)
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {
        "Payload": "function output",
        "SdkHttpMetadata": {"HttpStatusCode": 200},
    }


async def test_a_mocked_error_fails_the_task(service: StepFunctionsService) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f"},
        "QueryLanguage": "JSONata",
        "End": True,
    }
    mock = {"errorOutput": {"error": "MockException", "cause": "Mock the cause of the error."}}
    result = await _test_state(service, task, {}, mock=mock)
    assert (result["status"], result["error"], result["cause"]) == (
        "FAILED",
        "MockException",
        "Mock the cause of the error.",
    )


async def test_a_mock_with_both_result_and_error_is_rejected(service: StepFunctionsService) -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    mock = {"result": "{}", "errorOutput": {"error": "E", "cause": "C"}}
    status, body = await call(
        service, "TestState", definition=json.dumps(task), input="{}", mock=mock
    )
    assert (status, body["__type"]) == (400, "ValidationException")


async def test_an_unknown_inspection_level_fails_validation(service: StepFunctionsService) -> None:
    status, body = await call(
        service, "TestState", definition=json.dumps(IO_PASS_STATE), inspectionLevel="LOUD"
    )
    assert (status, body) == (
        400,
        {
            "__type": "ValidationException",
            "message": "1 validation error detected: Value 'LOUD' at 'inspectionLevel' failed to "
            "satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]",
        },
    )


async def test_variables_are_visible_to_the_state(service: StepFunctionsService) -> None:
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $greeting %}", "End": True}
    result = await _test_state(service, state, {}, variables=json.dumps({"greeting": "hello"}))
    assert json.loads(result["output"]) == "hello"
