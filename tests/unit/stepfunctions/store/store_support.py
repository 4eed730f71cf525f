"""Records for the store and records tests: one state machine, numbered executions of it,
and Map Runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stepfunctions.language.parse import parse_definition
from stepfunctions.records.execution import Execution, MapRun, MapRunStatus
from stepfunctions.records.machines import StateMachine

MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
START = datetime(2024, 1, 1, tzinfo=UTC)
ROLE = "arn:aws:iam::123456789012:role/r"
DEFINITION = parse_definition('{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}')


def stored_execution(number: int, machine_arn: str = MACHINE_ARN) -> Execution:
    """Execution `e<number>` of `machine_arn`, started `number` seconds after START."""
    name = machine_arn.rsplit(":", 1)[1]
    return Execution(
        execution_arn=f"arn:aws:states:us-east-1:123456789012:execution:{name}:e{number}",
        name=f"e{number}",
        state_machine_arn=machine_arn,
        state_machine_name=name,
        definition=DEFINITION,
        role_arn=ROLE,
        input="{}",
        type="STANDARD",
        start_date=START + timedelta(seconds=number),
    )


def stored_machine(arn: str = MACHINE_ARN, tags: dict[str, str] | None = None) -> StateMachine:
    return StateMachine(
        arn=arn,
        name=arn.rsplit(":", 1)[1],
        definition_text="{}",
        definition=DEFINITION,
        role_arn=ROLE,
        type="STANDARD",
        creation_date=START,
        revision_id="r1",
        logging_configuration={},
        tracing_configuration={},
        tags=dict(tags or {}),
    )


def stored_map_run(execution_arn: str, name: str) -> MapRun:
    """A running Map Run `name` of the execution, every count at zero."""
    return MapRun(
        map_run_arn=f"arn:aws:states:us-east-1:123456789012:mapRun:m/Map:{name}",
        execution_arn=execution_arn,
        status=MapRunStatus.RUNNING,
        start_date=START,
        stop_date=None,
        max_concurrency=0,
        tolerated_failure_percentage=0.0,
        tolerated_failure_count=0,
    )
