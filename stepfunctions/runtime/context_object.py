"""The context object (`$$` in JSONPath, `$states.context` in JSONata).

Shape from the developer guide ("Accessing execution data from the Context object") and the
corpus (`context_object/test_context_object`): `Execution` {Id, Input, StartTime, Name, RoleArn,
RedriveCount}, `StateMachine` {Id, Name}, `State` {Name, EnteredTime, and RetryCount for Task,
Parallel and Map}, `Task.Token` for a Task waiting on a token, and inside a Map iteration
`Map.Item` {Index, Value}. Times are ISO-8601 with
milliseconds and `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def iso_millis(moment: datetime) -> str:
    """`2024-01-01T00:00:00.000Z`: the format of StartTime and EnteredTime."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def execution_section(
    execution_arn: str,
    execution_input: Any,
    name: str,
    role_arn: str | None,
    start_time: datetime,
    redrive_count: int | None,
) -> dict[str, Any]:
    """`$$.Execution`, built once per execution (and once per redrive).

    Express executions cannot be redriven and have no RedriveCount (corpus
    `express/test_express_sync::test_query_runtime_memory`).
    """
    section: dict[str, Any] = {
        "Id": execution_arn,
        "Input": execution_input,
        "StartTime": iso_millis(start_time),
        "Name": name,
        "RoleArn": role_arn,
    }
    if redrive_count is not None:
        section["RedriveCount"] = redrive_count
    return section


def state_machine_section(state_machine_arn: str, name: str) -> dict[str, Any]:
    """`$$.StateMachine`."""
    return {"Id": state_machine_arn, "Name": name}


def context_object(
    execution: dict[str, Any],
    state_machine: dict[str, Any],
    state_name: str,
    entered_time: str,
    retry_count: int | None,
    map_item: dict[str, Any] | None,
    task_token: str | None = None,
) -> dict[str, Any]:
    """The whole context object as a state sees it (`Task.Token` only while one is issued)."""
    state: dict[str, Any] = {"Name": state_name, "EnteredTime": entered_time}
    if retry_count is not None:
        state["RetryCount"] = retry_count
    context: dict[str, Any] = {
        "Execution": execution,
        "StateMachine": state_machine,
        "State": state,
    }
    if task_token is not None:
        context["Task"] = {"Token": task_token}
    if map_item is not None:
        context["Map"] = {"Item": map_item}
    return context
