"""The stored JSON of each record: the keys, their order and their values are a file format.

SQLite stores survive restarts, so what `rows` writes must stay what it has written
(the expected bodies below were written before the records were converted from their
dataclasses), and what it reads back must be the record it wrote.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.language.parse import parse_definition
from stepfunctions.records.activities import Activity
from stepfunctions.records.execution import Execution, ExecutionStatus, MapRun, MapRunStatus
from stepfunctions.records.machines import StateMachine, StateMachineAlias, StateMachineVersion
from stepfunctions.store import rows

TEXT = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
DEFINITION = parse_definition(TEXT)
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:m:e"
MAP_RUN = "arn:aws:states:us-east-1:123456789012:mapRun:m/L:r"
ROLE = "arn:aws:iam::123456789012:role/r"
START = datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
ACTIVITY = Activity("arn:aws:states:us-east-1:123456789012:activity:a", "a", START, {"k": "v"})


def _machine(definition: StateMachineDefinition) -> StateMachine:
    machine = StateMachine(
        arn=MACHINE,
        name="m",
        definition_text=TEXT,
        definition=definition,
        role_arn=ROLE,
        type="STANDARD",
        creation_date=START,
        revision_id="rev-2",
        logging_configuration={"level": "OFF"},
        tracing_configuration={"enabled": False},
        description="d",
        update_date=START + timedelta(days=1),
        tags={"k": "v"},
        next_version=3,
    )
    for number in (1, 2):
        machine.versions[number] = StateMachineVersion(
            arn=f"{MACHINE}:{number}",
            machine_arn=MACHINE,
            number=number,
            definition_text=TEXT,
            definition=definition,
            role_arn=ROLE,
            type="STANDARD",
            creation_date=START,
            revision_id=f"rev-{number}",
            description=None if number == 1 else "second",
            logging_configuration={"level": "OFF"},
            tracing_configuration={"enabled": False},
        )
    machine.aliases["live"] = StateMachineAlias(
        arn=f"{MACHINE}:live",
        machine_arn=MACHINE,
        name="live",
        description=None,
        routing=[(f"{MACHINE}:1", 60), (f"{MACHINE}:2", 40)],
        creation_date=START,
        update_date=START + timedelta(hours=1),
    )
    return machine


def _execution(definition: StateMachineDefinition) -> Execution:
    finished_run = MapRun(
        map_run_arn=MAP_RUN,
        execution_arn=EXECUTION,
        status=MapRunStatus.SUCCEEDED,
        start_date=START,
        stop_date=START + timedelta(seconds=3),
        max_concurrency=5,
        tolerated_failure_percentage=1.5,
        tolerated_failure_count=2,
        item_counts=COUNTS,
        execution_counts={**COUNTS, "resultsWritten": 0},
        redrive_count=1,
        redrive_date=START,
        label="L",
        state_machine_arn=f"{MACHINE}/L",
    )
    running_run = MapRun(
        map_run_arn=f"{MAP_RUN}2",
        execution_arn=EXECUTION,
        status=MapRunStatus.RUNNING,
        start_date=START,
        stop_date=None,
        max_concurrency=0,
        tolerated_failure_percentage=0.0,
        tolerated_failure_count=0,
        item_counts=RUNNING_COUNTS,
        execution_counts=RUNNING_COUNTS,
    )
    return Execution(
        execution_arn=EXECUTION,
        name="e",
        state_machine_arn=MACHINE,
        state_machine_name="m",
        definition=definition,
        role_arn=ROLE,
        input='{"a":1}',
        type="STANDARD",
        start_date=START,
        status=ExecutionStatus.FAILED,
        stop_date=START + timedelta(seconds=9),
        error="E",
        cause="C",
        map_runs=[finished_run, running_run],
        redrive_count=2,
        redrive_date=START,
        state_machine_version_arn=f"{MACHINE}:1",
        state_machine_alias_arn=f"{MACHINE}:live",
        trace_header="Root=1",
        redrive_state="S",
        redrive_input={"a": [1, 2]},
        redrive_partial={0: {"x": 1}, 3: None},
    )


# A map run's counts are stored as DescribeMapRun shows them.
COUNTS = {"succeeded": 2, "failed": 1, "total": 3, "resultsWritten": 3}
RUNNING_COUNTS = {"running": 2, "total": 2}

VERSION_BODY: dict[str, Any] = {
    "arn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:1",
    "number": 1,
    "definition": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
    "roleArn": "arn:aws:iam::123456789012:role/r",
    "type": "STANDARD",
    "creationDate": "2024-01-02T03:04:05.678000+00:00",
    "revisionId": "rev-1",
    "description": None,
    "loggingConfiguration": {"level": "OFF"},
    "tracingConfiguration": {"enabled": False},
}
MACHINE_BODY: dict[str, Any] = {
    "arn": "arn:aws:states:us-east-1:123456789012:stateMachine:m",
    "name": "m",
    "definition": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
    "roleArn": "arn:aws:iam::123456789012:role/r",
    "type": "STANDARD",
    "creationDate": "2024-01-02T03:04:05.678000+00:00",
    "revisionId": "rev-2",
    "loggingConfiguration": {"level": "OFF"},
    "tracingConfiguration": {"enabled": False},
    "description": "d",
    "updateDate": "2024-01-03T03:04:05.678000+00:00",
    "status": "ACTIVE",
    "tags": {"k": "v"},
    "nextVersion": 3,
    "versions": [
        VERSION_BODY,
        # Overriding keeps each key where it was, so this is the second version's stored order.
        {
            **VERSION_BODY,
            "arn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:2",
            "number": 2,
            "revisionId": "rev-2",
            "description": "second",
        },
    ],
    "aliases": [
        {
            "arn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:live",
            "name": "live",
            "description": None,
            "routing": [
                ["arn:aws:states:us-east-1:123456789012:stateMachine:m:1", 60],
                ["arn:aws:states:us-east-1:123456789012:stateMachine:m:2", 40],
            ],
            "creationDate": "2024-01-02T03:04:05.678000+00:00",
            "updateDate": "2024-01-02T04:04:05.678000+00:00",
        }
    ],
}
EXECUTION_BODY: dict[str, Any] = {
    "arn": "arn:aws:states:us-east-1:123456789012:execution:m:e",
    "name": "e",
    "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m",
    "stateMachineName": "m",
    "definition": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
    "roleArn": "arn:aws:iam::123456789012:role/r",
    "input": '{"a":1}',
    "type": "STANDARD",
    "startDate": "2024-01-02T03:04:05.678000+00:00",
    "status": "FAILED",
    "stopDate": "2024-01-02T03:04:14.678000+00:00",
    "output": None,
    "error": "E",
    "cause": "C",
    "mapRuns": [
        {
            "arn": "arn:aws:states:us-east-1:123456789012:mapRun:m/L:r",
            "executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e",
            "status": "SUCCEEDED",
            "startDate": "2024-01-02T03:04:05.678000+00:00",
            "stopDate": "2024-01-02T03:04:08.678000+00:00",
            "maxConcurrency": 5,
            "toleratedFailurePercentage": 1.5,
            "toleratedFailureCount": 2,
            "itemCounts": COUNTS,
            "executionCounts": {**COUNTS, "resultsWritten": 0},
            "redriveCount": 1,
            "redriveDate": "2024-01-02T03:04:05.678000+00:00",
            "label": "L",
            "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m/L",
        },
        {
            "arn": "arn:aws:states:us-east-1:123456789012:mapRun:m/L:r2",
            "executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e",
            "status": "RUNNING",
            "startDate": "2024-01-02T03:04:05.678000+00:00",
            "stopDate": None,
            "maxConcurrency": 0,
            "toleratedFailurePercentage": 0.0,
            "toleratedFailureCount": 0,
            "itemCounts": RUNNING_COUNTS,
            "executionCounts": RUNNING_COUNTS,
            "redriveCount": 0,
            "redriveDate": None,
            "label": None,
            "stateMachineArn": "",
        },
    ],
    "redriveCount": 2,
    "redriveDate": "2024-01-02T03:04:05.678000+00:00",
    "versionArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:1",
    "aliasArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:live",
    "traceHeader": "Root=1",
    "redriveState": "S",
    "redriveInput": {"a": [1, 2]},
    "redrivePartial": {"0": {"x": 1}, "3": None},
}
ACTIVITY_BODY: dict[str, Any] = {
    "arn": "arn:aws:states:us-east-1:123456789012:activity:a",
    "name": "a",
    "creationDate": "2024-01-02T03:04:05.678000+00:00",
    "tags": {"k": "v"},
}


def _parse(text: str) -> StateMachineDefinition:
    assert text == TEXT
    return DEFINITION


def _same_text(body: dict[str, Any], expected: dict[str, Any]) -> bool:
    return json.dumps(body) == json.dumps(expected)


def test_a_machine_with_versions_and_aliases_is_stored_as_before() -> None:
    assert _same_text(rows.machine_body(_machine(DEFINITION)), MACHINE_BODY)


def test_an_execution_with_map_runs_and_a_redrive_is_stored_as_before() -> None:
    text = rows.execution_text(_execution(DEFINITION), TEXT)
    assert text == json.dumps(EXECUTION_BODY, separators=(",", ":"))


def test_an_activity_is_stored_as_before() -> None:
    assert _same_text(rows.activity_body(ACTIVITY), ACTIVITY_BODY)


def test_each_stored_record_loads_back_as_the_record_written() -> None:
    assert rows.machine_from(MACHINE_BODY, _parse) == _machine(DEFINITION)
    assert rows.execution_from(EXECUTION_BODY, _parse) == _execution(DEFINITION)
    assert rows.activity_from(ACTIVITY_BODY) == ACTIVITY


def test_a_row_written_before_a_field_existed_loads_with_its_default() -> None:
    # A store written by an earlier version lacks the keys of fields added since (here the
    # redrive fields): the row still loads, each missing field at its dataclass default.
    older = {
        key: value
        for key, value in EXECUTION_BODY.items()
        if key not in ("redriveState", "redriveInput", "redrivePartial", "traceHeader")
    }
    loaded = rows.execution_from(older, _parse)
    assert (loaded.redrive_state, loaded.redrive_input, loaded.redrive_partial) == (None, None, {})
    assert loaded.trace_header is None
    assert loaded.start_date == _execution(DEFINITION).start_date


def test_a_row_without_a_required_date_is_refused() -> None:
    with pytest.raises(TypeError):
        rows.execution_from({**EXECUTION_BODY, "startDate": None}, _parse)
    with pytest.raises(TypeError):
        rows.activity_from({key: v for key, v in ACTIVITY_BODY.items() if key != "name"})
