"""State machines, versions and tags through the service, with AWS's errors.

Error codes, statuses and texts are the API reference's and AWS's recorded answers (corpus
create_rejected_cases.jsonl; LocalStack's AWS-validated snapshots for the InvalidArn texts).
"""

from __future__ import annotations

import asyncio
import json

import pytest

from stepfunctions.service.api import StepFunctionsService
from tests.unit.stepfunctions.service.test_api import PASS_MACHINE, ROLE, call, create, ok

pytestmark = pytest.mark.anyio

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
OTHER_MACHINE = {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}


async def test_create_forms_the_arn_from_region_account_and_name(
    service: StepFunctionsService,
) -> None:
    assert (await create(service))["stateMachineArn"] == ARN


async def test_create_with_the_same_definition_is_idempotent(service: StepFunctionsService) -> None:
    first = await create(service)
    assert await create(service) == first


async def test_create_with_a_taken_name_and_other_definition_fails(
    service: StepFunctionsService,
) -> None:
    await create(service)
    status, body = await call(
        service, "CreateStateMachine", name="m", definition=json.dumps(OTHER_MACHINE), roleArn=ROLE
    )
    assert (status, body) == (
        400,
        {
            "__type": "StateMachineAlreadyExists",
            "message": f"State Machine Already Exists: '{ARN}'",
        },
    )


@pytest.mark.parametrize("name", ["has space", "a/b", "x:y", "brace{", "tab\tname", ""])
async def test_names_with_forbidden_characters_are_invalid(
    service: StepFunctionsService, name: str
) -> None:
    status, body = await call(
        service, "CreateStateMachine", name=name, definition=json.dumps(PASS_MACHINE), roleArn=ROLE
    )
    assert (status, body) == (400, {"__type": "InvalidName", "message": f"Invalid Name: '{name}'"})


async def test_a_name_over_80_characters_fails_validation(service: StepFunctionsService) -> None:
    name = "n" * 81
    status, body = await call(
        service, "CreateStateMachine", name=name, definition=json.dumps(PASS_MACHINE), roleArn=ROLE
    )
    assert status == 400
    assert body["message"] == (
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 80"
    )


async def test_version_description_without_publish_is_rejected(
    service: StepFunctionsService,
) -> None:
    status, body = await call(
        service,
        "CreateStateMachine",
        name="m",
        definition=json.dumps(PASS_MACHINE),
        roleArn=ROLE,
        versionDescription="HelloWorld!",
    )
    assert (status, body) == (
        400,
        {
            "__type": "ValidationException",
            "message": "Version description can only be set when publish is true",
        },
    )


async def test_an_invalid_definition_is_rejected_with_aws_text(
    service: StepFunctionsService,
) -> None:
    status, body = await call(
        service,
        "CreateStateMachine",
        name="m",
        definition=json.dumps({"StartAt": "A"}),
        roleArn=ROLE,
    )
    assert (status, body) == (
        400,
        {
            "__type": "InvalidDefinition",
            "message": "Invalid State Machine Definition: "
            "'SCHEMA_VALIDATION_FAILED: These fields are "
            "required: [States] at /'",
        },
    )


async def test_describe_returns_the_stored_machine(service: StepFunctionsService) -> None:
    await create(service)
    described = await ok(service, "DescribeStateMachine", stateMachineArn=ARN)
    assert described["name"] == "m"
    assert described["status"] == "ACTIVE"
    assert described["type"] == "STANDARD"
    assert json.loads(described["definition"]) == PASS_MACHINE
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    assert described["tracingConfiguration"] == {"enabled": False}


async def test_describe_of_a_missing_machine_names_its_arn(service: StepFunctionsService) -> None:
    assert await call(service, "DescribeStateMachine", stateMachineArn=ARN) == (
        400,
        {"__type": "StateMachineDoesNotExist", "message": f"State Machine Does Not Exist: '{ARN}'"},
    )


async def test_describe_with_an_execution_arn_is_the_wrong_resource_type(
    service: StepFunctionsService,
) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:execution:m:e"
    assert await call(service, "DescribeStateMachine", stateMachineArn=arn) == (
        400,
        {
            "__type": "InvalidArn",
            "message": "Invalid Arn: 'Resource type not valid in this context: execution'",
        },
    )


async def test_a_malformed_arn_is_invalid(service: StepFunctionsService) -> None:
    assert await call(service, "DescribeStateMachine", stateMachineArn="not-an-arn") == (
        400,
        {"__type": "InvalidArn", "message": "Invalid Arn: 'not-an-arn'"},
    )


async def test_update_without_any_field_is_a_missing_parameter(
    service: StepFunctionsService,
) -> None:
    await create(service)
    status, body = await call(service, "UpdateStateMachine", stateMachineArn=ARN)
    assert (status, body["__type"]) == (400, "MissingRequiredParameter")


async def test_publish_numbers_versions_and_reuses_an_unchanged_revision(
    service: StepFunctionsService,
) -> None:
    created = await create(service, publish=True, versionDescription="first")
    assert created["stateMachineVersionArn"] == f"{ARN}:1"
    updated = await ok(
        service,
        "UpdateStateMachine",
        stateMachineArn=ARN,
        definition=json.dumps(OTHER_MACHINE),
        publish=True,
    )
    assert updated["stateMachineVersionArn"] == f"{ARN}:2"
    again = await ok(service, "PublishStateMachineVersion", stateMachineArn=ARN)
    assert again["stateMachineVersionArn"] == f"{ARN}:2"
    listed = await ok(service, "ListStateMachineVersions", stateMachineArn=ARN)
    assert [v["stateMachineVersionArn"] for v in listed["stateMachineVersions"]] == [
        f"{ARN}:2",
        f"{ARN}:1",
    ]
    first = await ok(service, "DescribeStateMachine", stateMachineArn=f"{ARN}:1")
    assert first["stateMachineArn"] == f"{ARN}:1"
    assert first["description"] == "first"
    assert json.loads(first["definition"]) == PASS_MACHINE


async def test_publish_with_a_stale_revision_id_conflicts(service: StepFunctionsService) -> None:
    await create(service)
    revision = (await ok(service, "DescribeStateMachine", stateMachineArn=ARN))["revisionId"]
    await ok(
        service, "UpdateStateMachine", stateMachineArn=ARN, definition=json.dumps(OTHER_MACHINE)
    )
    status, body = await call(
        service, "PublishStateMachineVersion", stateMachineArn=ARN, revisionId=revision
    )
    assert (status, body["__type"]) == (400, "ConflictException")


async def test_tags_are_added_listed_and_removed(service: StepFunctionsService) -> None:
    await create(service, tags=[{"key": "team", "value": "a"}])
    await ok(service, "TagResource", resourceArn=ARN, tags=[{"key": "env", "value": "dev"}])
    listed = await ok(service, "ListTagsForResource", resourceArn=ARN)
    assert sorted((t["key"], t["value"]) for t in listed["tags"]) == [("env", "dev"), ("team", "a")]
    await ok(service, "UntagResource", resourceArn=ARN, tagKeys=["team"])
    assert (await ok(service, "ListTagsForResource", resourceArn=ARN))["tags"] == [
        {"key": "env", "value": "dev"}
    ]


async def test_tagging_an_unknown_resource_is_resource_not_found(
    service: StepFunctionsService,
) -> None:
    assert await call(service, "ListTagsForResource", resourceArn=ARN) == (
        400,
        {"__type": "ResourceNotFound", "message": f"Resource not found: '{ARN}'"},
    )


async def test_list_state_machines_pages_with_next_token(service: StepFunctionsService) -> None:
    for name in ("c", "a", "b"):
        await create(service, name)
    first = await ok(service, "ListStateMachines", maxResults=2)
    assert [m["name"] for m in first["stateMachines"]] == ["a", "b"]
    second = await ok(service, "ListStateMachines", maxResults=2, nextToken=first["nextToken"])
    assert [m["name"] for m in second["stateMachines"]] == ["c"]
    assert "nextToken" not in second


async def test_a_foreign_next_token_is_invalid(service: StepFunctionsService) -> None:
    status, body = await call(service, "ListStateMachines", nextToken="bm9wZQ==")
    assert (status, body["__type"]) == (400, "InvalidToken")


async def test_max_results_over_1000_fails_validation(service: StepFunctionsService) -> None:
    status, body = await call(service, "ListStateMachines", maxResults=1001)
    assert status == 400
    assert body["message"] == (
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000"
    )


async def test_delete_removes_the_machine(service: StepFunctionsService) -> None:
    await create(service)
    await ok(service, "DeleteStateMachine", stateMachineArn=ARN)
    status, body = await call(service, "DescribeStateMachine", stateMachineArn=ARN)
    assert (status, body["__type"]) == (400, "StateMachineDoesNotExist")


async def test_validate_reports_ok_and_fail(service: StepFunctionsService) -> None:
    good = await ok(service, "ValidateStateMachineDefinition", definition=json.dumps(PASS_MACHINE))
    assert good == {"result": "OK", "diagnostics": [], "truncated": False}
    bad = await ok(service, "ValidateStateMachineDefinition", definition="{}")
    assert bad == {
        "result": "FAIL",
        "diagnostics": [
            {
                "severity": "ERROR",
                "code": "SCHEMA_VALIDATION_FAILED",
                "message": "These fields are required: [States, StartAt]",
                "location": "/",
            }
        ],
        "truncated": False,
    }


async def test_validate_truncates_at_max_results(service: StepFunctionsService) -> None:
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True, "X": 1, "Y": 2}}}
    result = await ok(
        service, "ValidateStateMachineDefinition", definition=json.dumps(definition), maxResults=1
    )
    assert result["result"] == "FAIL"
    assert len(result["diagnostics"]) == 1
    assert result["truncated"] is True


async def test_a_definition_over_one_mebibyte_fails_validation_without_echoing_it(
    service: StepFunctionsService,
) -> None:
    huge = json.dumps({**PASS_MACHINE, "Comment": "x" * 1_048_576})
    status, body = await call(
        service, "CreateStateMachine", name="m", definition=huge, roleArn=ROLE
    )
    assert (status, body) == (
        400,
        {
            "__type": "ValidationException",
            "message": "1 validation error detected: Value at 'definition' failed to satisfy "
            "constraint: Member must have length less than or equal to 1048576",
        },
    )


async def test_a_machine_with_running_executions_is_deleting_until_they_end(
    service: StepFunctionsService,
) -> None:
    wait = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 31_536_000, "End": True}}}
    await create(service, definition=wait, publish=True)
    started = await ok(service, "StartExecution", stateMachineArn=ARN)
    await ok(service, "DeleteStateMachine", stateMachineArn=ARN)
    assert (await ok(service, "DescribeStateMachine", stateMachineArn=ARN))["status"] == "DELETING"
    status, body = await call(service, "StartExecution", stateMachineArn=ARN)
    assert (status, body["__type"]) == (400, "StateMachineDeleting")
    # The versions go at once.
    status, body = await call(service, "DescribeStateMachine", stateMachineArn=f"{ARN}:1")
    assert (status, body["__type"]) == (400, "StateMachineDoesNotExist")
    await ok(service, "StopExecution", executionArn=started["executionArn"])
    for _ in range(100):
        status, body = await call(service, "DescribeStateMachine", stateMachineArn=ARN)
        if status != 200:
            break
        await asyncio.sleep(0.001)
    assert (status, body["__type"]) == (400, "StateMachineDoesNotExist")


async def test_deleting_a_machine_ends_its_executions_at_their_next_transition(
    service: StepFunctionsService,
) -> None:
    # API reference, DeleteStateMachine: "On the next state transition, the state machine's
    # executions are terminated."
    machine = {
        "StartAt": "Nap",
        "States": {
            "Nap": {"Type": "Wait", "Seconds": 60, "Next": "After"},
            "After": {"Type": "Pass", "End": True},
        },
    }
    await create(service, definition=machine)
    started = await ok(service, "StartExecution", stateMachineArn=ARN)
    arn = started["executionArn"]
    for _ in range(100):
        if len((await ok(service, "GetExecutionHistory", executionArn=arn))["events"]) > 1:
            break
        await asyncio.sleep(0)
    await ok(service, "DeleteStateMachine", stateMachineArn=ARN)
    for _ in range(200):
        described = await ok(service, "DescribeExecution", executionArn=arn)
        if described["status"] != "RUNNING":
            break
        await asyncio.sleep(0.001)
    events = (await ok(service, "GetExecutionHistory", executionArn=arn))["events"]
    assert described["status"] == "ABORTED"
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "ExecutionAborted",
    ]
    for _ in range(100):
        status, body = await call(service, "DescribeStateMachine", stateMachineArn=ARN)
        if status != 200:
            break
        await asyncio.sleep(0.001)
    assert (status, body["__type"]) == (400, "StateMachineDoesNotExist")
